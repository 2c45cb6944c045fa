import { Controller, Get, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiTokensService } from '../auth/api-tokens.service.js';
import { bearerToken } from '../auth/bearer-token.js';
import { HealthService } from './health.service.js';

/**
 * GET /health: public, for load balancers and probes, it says only up or down per dependency.
 * With a bearer token (any role) it gives the details: redacted URLs, queue counts, versions.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly tokens: ApiTokensService,
  ) {}

  @Get()
  async get(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    // A token that cannot be checked (PostgreSQL down) gets the public answer, which still says what is down.
    const principal = token ? await this.tokens.authenticate(token).catch(() => null) : null;
    if (principal === undefined) throw new UnauthorizedException('unknown or revoked bearer token');
    const report = principal ? await this.health.check() : await this.health.summary();
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}

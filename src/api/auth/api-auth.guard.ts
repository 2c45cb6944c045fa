import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiTokensService } from '../../auth/api-tokens.service.js';
import { bearerToken } from '../../auth/bearer-token.js';
import type { AuthenticatedRequest } from '../../auth/principal.js';
import { ROLE_KEY, roleAllows, type ApiRole } from '../../auth/roles.js';
import { FailureLimiter } from '../../infra/kv/failure-limiter.js';

/**
 * Every route of a controller mounted under `api/` needs a bearer token with a sufficient
 * role, and so does any route marked @Roles. Other routes (/health, /webhooks/* with their
 * own signatures, Swagger) are left alone. The controller's declared path decides, not the
 * request URL, because Express matches paths case-insensitively: `/API/v1/...` must not slip past.
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly failures: FailureLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declared = this.reflector.getAllAndOverride<ApiRole | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (!declared && !this.isApiRoute(context)) return true;
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    // A blocked source is refused before its token is even looked at, a good one too.
    await this.failures.assertNotBlocked('auth', request.ip, response);
    const token = bearerToken(request.headers.authorization);
    const principal = token ? await this.tokens.authenticate(token) : undefined;
    if (!principal) {
      // A wrong token is a guess and counts; a missing one is not.
      if (token) await this.failures.recordFailure('auth', request.ip, response);
      if (await this.tokens.noneConfigured())
        throw new UnauthorizedException('no API token is configured: set OPSPRINT_ADMIN_TOKEN to bootstrap access');
      throw new UnauthorizedException(
        token ? 'unknown or revoked bearer token' : 'a bearer token is required (Authorization: Bearer <token>)',
      );
    }
    const needed = declared ?? 'viewer';
    if (!roleAllows(principal.role, needed))
      throw new ForbiddenException(`this needs the ${needed} role; token "${principal.name}" has ${principal.role}`);
    request.principal = principal;
    return true;
  }

  private isApiRoute(context: ExecutionContext): boolean {
    const path = String(Reflect.getMetadata(PATH_METADATA, context.getClass()) ?? '');
    return /^\/?api(\/|$)/i.test(path);
  }
}

import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { BlockList, isIP } from 'node:net';
import type { Request, Response } from 'express';
import { ApiTokensService } from '../auth/api-tokens.service.js';
import { Runtime } from '../config/runtime.js';
import { FailureLimiter } from '../infra/kv/failure-limiter.js';

/**
 * /metrics is for Prometheus: a caller from METRICS_ALLOW_NETWORKS gets in as it is (a scraper
 * holds no token), anyone else needs a bearer token of any role (viewer is enough).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly allowed: BlockList | null;

  constructor(
    private readonly tokens: ApiTokensService,
    private readonly failures: FailureLimiter,
    runtime: Runtime,
  ) {
    this.allowed = networks(runtime.config.app.METRICS_ALLOW_NETWORKS);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    if (this.allowed && this.fromAllowedNetwork(request.socket.remoteAddress)) return true;
    const response = context.switchToHttp().getResponse<Response>();
    await this.failures.assertNotBlocked('auth', request.ip, response);
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token && (await this.tokens.authenticate(token))) return true;
    if (token) await this.failures.recordFailure('auth', request.ip, response);
    throw new UnauthorizedException(
      token
        ? 'unknown or revoked bearer token'
        : 'a bearer token is required (Authorization: Bearer <token>), or a network in METRICS_ALLOW_NETWORKS',
    );
  }

  private fromAllowedNetwork(address: string | undefined): boolean {
    if (!address || !this.allowed) return false;
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return this.allowed.check(plain, family);
  }
}

function networks(setting: string | undefined): BlockList | null {
  if (!setting?.trim()) return null;
  const list = new BlockList();
  for (const entry of setting.split(',').map((s) => s.trim())) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

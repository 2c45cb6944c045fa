import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiTokensService } from '../../auth/api-tokens.service.js';
import type { Principal } from '../../auth/principal.js';
import { roleAllows } from '../../auth/roles.js';
import { DashboardSessions, SESSION_COOKIE } from './dashboard-sessions.js';

/**
 * Admin-only pages outside the API (the queue view): a bearer token, or the dashboard's session
 * cookie, of the admin role. 401 without either, 403 for a lower role.
 */
@Injectable()
export class AdminAccess {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly sessions: DashboardSessions,
  ) {}

  async check(request: Request & { cookies?: Record<string, string> }): Promise<{ status: number; message: string } | null> {
    const principal = await this.principal(request);
    if (!principal) {
      return { status: 401, message: 'sign in to the dashboard, or send an admin bearer token (Authorization: Bearer <token>)' };
    }
    if (!roleAllows(principal.role, 'admin')) {
      return { status: 403, message: `this needs the admin role; token "${principal.name}" has ${principal.role}` };
    }
    return null;
  }

  private async principal(request: Request & { cookies?: Record<string, string> }): Promise<Principal | undefined> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token) return this.tokens.authenticate(token);
    return (await this.sessions.find(request.cookies?.[SESSION_COOKIE]))?.principal;
  }
}

import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type DashboardSession, DashboardSessions, SESSION_COOKIE, sameToken } from './dashboard-sessions.js';

export type DashboardRequest = Request & { dashboard?: DashboardSession; cookies?: Record<string, string> };

/** A page needs a signed-in session; the browser is sent to the sign-in page otherwise. */
export class SignInRequired extends Error {
  constructor(readonly next: string) {
    super('sign in required');
  }
}

/**
 * Every dashboard route but sign-in needs a session (the viewer role is enough to read).
 * Requests that change something (POST) must carry the session's CSRF token as `_csrf`.
 */
@Injectable()
export class DashboardAuthGuard implements CanActivate {
  constructor(private readonly sessions: DashboardSessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DashboardRequest>();
    const session = await this.sessions.find(request.cookies?.[SESSION_COOKIE]);
    if (!session) throw new SignInRequired(request.method === 'GET' ? request.originalUrl : '/dashboard');
    if (request.method !== 'GET' && !sameToken(session.csrf, (request.body as Record<string, unknown> | undefined)?._csrf)) {
      throw new ForbiddenException('the form is stale or comes from another site: reload the page and try again');
    }
    request.dashboard = session;
    return true;
  }
}

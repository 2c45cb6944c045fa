import { Body, Controller, Get, Header, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { FailureLimiter } from '../infra/kv/failure-limiter.js';
import { DashboardViews } from './dashboard-views.js';
import { DashboardAuthGuard, type DashboardRequest } from './session/dashboard-auth.guard.js';
import { DashboardSessions, newCsrfToken, SESSION_COOKIE, SESSION_TTL_SECONDS, sameToken } from './session/dashboard-sessions.js';
import { SignInRequiredFilter, safeNext } from './session/sign-in-required.filter.js';

/** Guards the sign-in form itself against login CSRF (double submit: cookie + hidden field). */
const SIGN_IN_COOKIE = 'opsprint_sign_in';

function cookieOptions(request: Request, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: request.secure, path: '/dashboard', maxAge: maxAgeSeconds * 1000 };
}

/** Sign in by pasting an API token once; sign out ends the session. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardSignInController {
  constructor(
    private readonly sessions: DashboardSessions,
    private readonly views: DashboardViews,
    private readonly failures: FailureLimiter,
  ) {}

  @Get('sign-in')
  @Header('Content-Type', 'text/html; charset=utf-8')
  signInForm(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Query('next') next?: string): string {
    const csrf = newCsrfToken();
    response.cookie(SIGN_IN_COOKIE, csrf, cookieOptions(request, 15 * 60));
    return this.views.render('sign-in', { csrf, next: safeNext(next), error: undefined });
  }

  @Post('sign-in')
  async signIn(
    @Req() request: DashboardRequest,
    @Res() response: Response,
    @Body() body: { token?: unknown; _csrf?: unknown; next?: unknown },
  ): Promise<void> {
    const expected = request.cookies?.[SIGN_IN_COOKIE];
    const retry = (status: number, error: string) => {
      const csrf = newCsrfToken();
      response.cookie(SIGN_IN_COOKIE, csrf, cookieOptions(request, 15 * 60));
      if (status === 429) response.setHeader('Retry-After', '60');
      response
        .status(status)
        .type('html')
        .send(this.views.render('sign-in', { csrf, next: safeNext(body.next), error }));
    };
    if (!expected || !sameToken(expected, body._csrf)) return retry(403, 'The form expired. Paste the token again.');
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (await this.failures.isBlocked('auth', request.ip))
      return retry(429, 'Too many failed sign-ins from this address. Try again in a minute.');
    const signedIn = token && token.length <= 200 ? await this.sessions.signIn(token) : undefined;
    if (!signedIn) {
      if (token && !(await this.failures.countFailure('auth', request.ip)))
        return retry(429, 'Too many failed sign-ins from this address. Try again in a minute.');
      return retry(401, 'That token is unknown or revoked.');
    }
    response.clearCookie(SIGN_IN_COOKIE, { path: '/dashboard' });
    response.cookie(SESSION_COOKIE, signedIn.id, cookieOptions(request, SESSION_TTL_SECONDS));
    response.redirect(303, safeNext(body.next));
  }

  @Post('sign-out')
  @UseGuards(DashboardAuthGuard)
  @UseFilters(SignInRequiredFilter)
  async signOut(@Req() request: DashboardRequest, @Res() response: Response): Promise<void> {
    await this.sessions.signOut(request.cookies?.[SESSION_COOKIE]);
    response.clearCookie(SESSION_COOKIE, { path: '/dashboard' });
    response.redirect(303, '/dashboard/sign-in');
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SignInRequired } from './dashboard-auth.guard.js';

/** Pages redirect to the sign-in form (and back afterwards); the live event stream just answers 401. */
@Catch(SignInRequired)
export class SignInRequiredFilter implements ExceptionFilter {
  catch(exception: SignInRequired, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (request.headers.accept?.includes('text/event-stream') || request.path.endsWith('/events')) {
      response.status(401).json({ statusCode: 401, message: 'sign in to the dashboard first' });
      return;
    }
    response.redirect(303, `/dashboard/sign-in?next=${encodeURIComponent(safeNext(exception.next))}`);
  }
}

/** Only paths of the dashboard itself: never an open redirect to another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[\w\-./%?=&]*)?$/.test(next) && !next.startsWith('//') ? next : '/dashboard';
}

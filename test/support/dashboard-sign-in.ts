import type { Server } from 'node:http';
import request, { type Response } from 'supertest';

/**
 * Posts the dashboard's sign-in form as a browser would: a GET first for the form's cookie, its
 * CSRF field and its `next` field (from `?next=`), then the POST with them and the token.
 */
export async function postSignIn(server: Server, token: string, next?: string): Promise<Response> {
  const agent = request(server);
  const form = await agent.get(`/dashboard/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  const formCookie = (form.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const nextField = /name="next" value="([^"]*)"/.exec(form.text)?.[1] ?? '';
  return agent.post('/dashboard/sign-in').set('Cookie', formCookie).type('form').send({ token, _csrf: csrf, next: nextField });
}

/** The session cookie (`opsprint_session=…`, as a Cookie header value) a sign-in answer set, if any. */
export function sessionCookie(answer: Response): string | undefined {
  const cookies = (answer.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('opsprint_session='))?.split(';')[0];
}

/**
 * Whose address the per-source limits count: the TCP peer unless TRUST_PROXY names the proxy in
 * front. Without it, X-Forwarded-For is ignored (a guesser cannot dodge its block by inventing
 * addresses); with it, clients behind the proxy are told apart (one guesser does not block all).
 */
import 'reflect-metadata';
import { ADMIN_TOKEN, bearer, startApiApp, type ApiTestApp } from '../api/api-test-app.js';

describe('trust-proxy', () => {
  const LIMIT = 2;

  async function guessUntilBlocked(t: ApiTestApp, forwardedFor: string) {
    for (let i = 0; i < LIMIT; i++)
      await t
        .http()
        .get('/api/v1/environments')
        .set(bearer(`guess-${i}`))
        .set('X-Forwarded-For', forwardedFor)
        .expect(401);
    await t.http().get('/api/v1/environments').set(bearer('guess-last')).set('X-Forwarded-For', forwardedFor).expect(429);
  }

  describe('TRUST_PROXY unset', () => {
    let t: ApiTestApp;
    beforeAll(async () => {
      t = await startApiApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, AUTH_FAILURES_PER_MINUTE: String(LIMIT) } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('ignores X-Forwarded-For: a blocked source stays blocked whatever address it claims', async () => {
      await guessUntilBlocked(t, '203.0.113.7');
      await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).set('X-Forwarded-For', '198.51.100.9').expect(429);
    });
  });

  describe('TRUST_PROXY=loopback (the service behind a proxy on this host)', () => {
    let t: ApiTestApp;
    beforeAll(async () => {
      t = await startApiApp({
        env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, AUTH_FAILURES_PER_MINUTE: String(LIMIT), TRUST_PROXY: 'loopback' },
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('counts failures per client behind the proxy: one guesser is blocked, another client is not', async () => {
      await guessUntilBlocked(t, '203.0.113.7');
      await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).set('X-Forwarded-For', '203.0.113.7').expect(429);
      await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).set('X-Forwarded-For', '198.51.100.9').expect(200);
    });
  });
});

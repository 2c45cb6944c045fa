import { createHash } from 'node:crypto';
import { ADMIN_TOKEN, bearer, createToken, startApiApp, type ApiTestApp } from './api-test-app.js';

describe('auth', () => {
  let t: ApiTestApp;
  beforeAll(async () => {
    t = await startApiApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('bearer-token auth on /api/v1', () => {
    it('answers 401 with a message without a token and with an unknown token', async () => {
      const none = await t.http().get('/api/v1/environments').expect(401);
      expect(none.body).toEqual({ statusCode: 401, message: expect.stringContaining('bearer token is required'), error: 'Unauthorized' });
      const unknown = await t.http().get('/api/v1/environments').set(bearer('not-a-token-anyone-issued')).expect(401);
      expect(unknown.body.statusCode).toBe(401);
      expect(unknown.body.message).toMatch(/unknown or revoked/);
    });

    it('does not let a different letter case in the path bypass the guard', async () => {
      await t.http().get('/API/V1/environments').expect(401);
    });

    it('accepts the bootstrap admin token, and leaves /health and the docs public', async () => {
      await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).expect(200, []);
      await t.http().get('/api/docs-json').expect(200);
      await t.http().get('/health').expect(200);
    });

    it('shows a created token once, stores only its hash, and lists tokens without values', async () => {
      const { id, token } = await createToken(t, 'ci', 'viewer');
      expect(token).toMatch(/^ops_/);
      const row = await t.db.prisma.apiToken.findUniqueOrThrow({ where: { id } });
      expect(row.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(JSON.stringify(row)).not.toContain(token);

      await t.http().get('/api/v1/environments').set(bearer(token)).expect(200);
      const listed = await t.http().get('/api/v1/tokens').set(bearer(ADMIN_TOKEN)).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(token);
      const mine = listed.body.find((entry: { id: string }) => entry.id === id);
      expect(mine).toMatchObject({ name: 'ci', role: 'viewer', revokedAt: null });
      expect(mine.lastUsedAt).not.toBeNull();
      expect(mine).not.toHaveProperty('tokenHash');
    });

    it('refuses a revoked token with 401 and records create/revoke in the audit log', async () => {
      const { id, token } = await createToken(t, 'short-lived', 'operator');
      await t.http().get('/api/v1/deployments').set(bearer(token)).expect(200);
      const revoked = await t.http().delete(`/api/v1/tokens/${id}`).set(bearer(ADMIN_TOKEN)).expect(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      await t.http().get('/api/v1/deployments').set(bearer(token)).expect(401);
      const audit = await t.db.prisma.auditEvent.findMany({ where: { target: id }, orderBy: { at: 'asc' } });
      expect(audit.map((e) => [e.actor, e.action])).toEqual([
        ['admin', 'token.create'],
        ['admin', 'token.revoke'],
      ]);
      await t.http().delete('/api/v1/tokens/00000000-0000-0000-0000-000000000000').set(bearer(ADMIN_TOKEN)).expect(404);
    });

    it('answers 403 when the role is too low: a viewer cannot deploy, an operator cannot manage tokens', async () => {
      const viewer = await createToken(t, 'reader', 'viewer');
      const forbidden = await t.http().post('/api/v1/deployments').set(bearer(viewer.token)).send({ environment: 'lab' }).expect(403);
      expect(forbidden.body.message).toMatch(/operator role/);
      expect(await t.db.prisma.deployment.count()).toBe(0);
      const operator = await createToken(t, 'deployer', 'operator');
      await t.http().post('/api/v1/tokens').set(bearer(operator.token)).send({ name: 'x', role: 'admin' }).expect(403);
      await t.http().get('/api/v1/tokens').set(bearer(viewer.token)).expect(403);
    });

    it('rejects a token request with a bad role or unknown field, naming the field', async () => {
      const bad = await t.http().post('/api/v1/tokens').set(bearer(ADMIN_TOKEN)).send({ name: 'x', role: 'root', extra: 1 }).expect(400);
      expect(bad.body.reasons.join('\n')).toMatch(/role must be one of/);
      expect(bad.body.reasons.join('\n')).toMatch(/property extra should not exist/);
    });
  });

  describe('without any configured token', () => {
    it('refuses every /api/v1 request (401) instead of being open', async () => {
      const open = await startApiApp({ env: {} });
      try {
        const response = await open.http().get('/api/v1/environments').expect(401);
        expect(response.body.message).toMatch(/OPSPRINT_ADMIN_TOKEN/);
        await open.http().get('/api/v1/environments').set(bearer('anything-at-all-here-123456')).expect(401);
      } finally {
        await open.close();
      }
    });
  });
});

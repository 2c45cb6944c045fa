/**
 * What the service shows to whom (issue 9, item 7): the public /health says only up or down per
 * dependency; its details (redacted URLs, counts, versions) need a token. Security headers on every
 * answer, no X-Powered-By. Secrets at rest are bound to their environment and name (AES-GCM
 * associated data): a ciphertext moved elsewhere does not decrypt; rows written before that are
 * read once and sealed again.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { InputError } from '../../src/common/errors.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { environmentBody } from '../api/api-test-app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('exposure', () => {
  const ADMIN = 'exposure-admin-token-0123456789abcdef';
  const DB_PASSWORD = 'pg-query-password-4711';
  let db: TestDatabase;
  let t: TestApp;
  let viewer: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // A password in the query string, which trust authentication never asks for: it must still never be shown.
    const withPassword = new URL(db.url);
    withPassword.searchParams.set('password', DB_PASSWORD);
    t = await startTestApp({ databaseUrl: withPassword.toString(), runWorkers: false, env: { OPSPRINT_ADMIN_TOKEN: ADMIN } });
    viewer = (await http().post('/api/v1/tokens').set(as(ADMIN)).send({ name: 'a viewer', role: 'viewer' }).expect(201)).body.token;
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const http = () => request(t.app.getHttpServer());
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('/health', () => {
    it('publicly says only up or down per dependency', async () => {
      const response = await http().get('/health').expect(200);
      expect(response.body).toEqual({
        status: 'ok',
        dependencies: {
          postgres: { status: 'up' },
          redis: { status: 'up' },
          queues: { status: 'up' },
          jira: { status: 'off' },
          confluence: { status: 'off' },
        },
      });
    });

    it('shows details to a token holder (viewer and up), with every password redacted', async () => {
      const response = await http().get('/health').set(as(viewer)).expect(200);
      // Which database it is (the test's own clone, over TCP or the socket), its password masked.
      expect(response.body.dependencies.postgres.url).toContain(new URL(db.url).pathname);
      expect(response.body.dependencies.queues.counts).toHaveProperty('deployments');
      expect(JSON.stringify(response.body)).not.toContain(DB_PASSWORD);
      expect((await http().get('/health').set(as('not-a-token'))).status).toBe(401);
    });
  });

  describe('HTTP answers', () => {
    it('carry security headers and no X-Powered-By, on the API, /health, the dashboard and the docs', async () => {
      for (const url of ['/health', '/api/v1/environments', '/dashboard/sign-in', '/api/docs']) {
        const response = await http().get(url).set(as(ADMIN));
        expect({ url, poweredBy: response.headers['x-powered-by'] }).toEqual({ url, poweredBy: undefined });
        expect({ url, nosniff: response.headers['x-content-type-options'], frames: response.headers['x-frame-options'] }).toEqual({
          url,
          nosniff: 'nosniff',
          frames: 'SAMEORIGIN',
        });
        expect({ url, csp: response.headers['content-security-policy'] }).toEqual({
          url,
          csp: expect.stringContaining("default-src 'self'"),
        });
      }
    });
  });

  describe('secrets at rest', () => {
    const environments = () => t.app.get(EnvironmentsService);
    const secretRow = async (environment: string, name: string) => {
      const { id } = await db.prisma.environment.findUniqueOrThrow({ where: { name: environment } });
      return db.prisma.secret.findUniqueOrThrow({ where: { environmentId_name: { environmentId: id, name } } });
    };

    it('are bound to their environment and name: a ciphertext moved to another one does not decrypt', async () => {
      for (const name of ['alpha', 'beta']) {
        const { name: _n, ...body } = environmentBody(name);
        await environments().create({ name, ...body });
      }
      const alphaPass = (await environments().loadForDeployment({ name: 'alpha' })).secrets.ADMIN_PASS;
      const moved = await secretRow('alpha', 'ADMIN_PASS');
      const target = await secretRow('beta', 'ADMIN_PASS');
      await db.prisma.secret.update({ where: { id: target.id }, data: { ciphertext: moved.ciphertext } });
      const refused = await environments()
        .loadForDeployment({ name: 'beta' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(InputError);
      expect((refused as InputError).reasons).toEqual([expect.stringMatching(/^secrets\.ADMIN_PASS: /)]);

      // Within one environment too: DEMO_PASS's ciphertext under the name ADMIN_PASS.
      const demo = await secretRow('alpha', 'DEMO_PASS');
      await db.prisma.secret.update({ where: { id: moved.id }, data: { ciphertext: demo.ciphertext } });
      const swapped = await environments()
        .loadForDeployment({ name: 'alpha' })
        .catch((error: unknown) => error);
      expect((swapped as InputError).reasons).toEqual([expect.stringMatching(/^secrets\.ADMIN_PASS: /)]);
      expect(alphaPass).toMatch(/^[0-9a-f]{20}$/);
    });

    it('written without that binding (before it existed) are read once and sealed again with it', async () => {
      const { name: _n, ...body } = environmentBody('legacy');
      await environments().create({ name: 'legacy', ...body, secrets: { ...body.secrets, RABBIT_PASS: 'Legacy-rabbit-pass-1' } });
      // What the previous version stored: v1, AES-256-GCM under the same key, no associated data.
      const key = Buffer.from(readFileSync(path.join(t.runtime.dataDir, 'secret.key'), 'utf8').trim(), 'hex');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update('Legacy-rabbit-pass-1', 'utf8'), cipher.final()]);
      const v1 = ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':');
      const row = await secretRow('legacy', 'RABBIT_PASS');
      await db.prisma.secret.update({ where: { id: row.id }, data: { ciphertext: v1 } });

      expect((await environments().loadForDeployment({ name: 'legacy' })).secrets.RABBIT_PASS).toBe('Legacy-rabbit-pass-1');
      const resealed = await secretRow('legacy', 'RABBIT_PASS');
      expect(resealed.ciphertext).toMatch(/^v2:/);
      expect((await environments().loadForDeployment({ name: 'legacy' })).secrets.RABBIT_PASS).toBe('Legacy-rabbit-pass-1');
    });
  });
});

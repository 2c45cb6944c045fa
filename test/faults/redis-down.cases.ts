import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { environmentBody } from '../api/api-test-app.js';
import { signJiraPayload } from '../../src/integrations/jira/webhook-signature.js';
import { TestRedisServer } from '../support/redis-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('redis-down', () => {
  const ADMIN = `admin-${'r'.repeat(30)}`;
  const WEBHOOK_SECRET = 'redis-down-webhook-secret';
  // JIRA is configured only for its webhook here: nothing runs its sync jobs (no workers).
  const JIRA_ENV = {
    JIRA_BASE_URL: 'http://127.0.0.1:9',
    JIRA_EMAIL: 'ops@example.com',
    JIRA_API_TOKEN: 'not-used',
    JIRA_PROJECT_KEY: 'OPS',
    JIRA_WEBHOOK_SECRET: WEBHOOK_SECRET,
  };
  let redis: TestRedisServer;
  let t: TestApp;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    // API only: the deployment stays queued, what is checked is the request itself.
    t = await startTestApp({
      runWorkers: false,
      redisUrl: redis.url,
      env: { OPSPRINT_ADMIN_TOKEN: ADMIN, REDIS_TIMEOUT_MS: '1000', ...JIRA_ENV },
    });
    await t.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    http = () => request(url);
    for (const name of ['lab', 'hooked'])
      await http().post('/api/v1/environments').set('Authorization', `Bearer ${ADMIN}`).send(environmentBody(name)).expect(201);
  });
  afterAll(async () => {
    // The app's queues close cleanly only with Redis there.
    await redis?.launch();
    await t?.close();
    await redis?.close();
  });

  const deploy = () =>
    http()
      .post('/api/v1/deployments')
      .set('Authorization', `Bearer ${ADMIN}`)
      .send({ environment: 'lab', phases: ['base'] })
      .timeout(30_000);

  describe('POST /api/v1/deployments while Redis is unreachable', () => {
    it('answers 503 naming Redis after a bounded wait and writes nothing, so the environment stays free', async () => {
      await redis.stop();
      const refused = await deploy();
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      expect(refused.body.message).toMatch(/Redis/);
      expect(await t.db.prisma.deployment.count()).toBe(0);
      expect(await t.db.prisma.stepRun.count()).toBe(0);
      expect(await t.db.prisma.auditEvent.count({ where: { action: 'deployment.create' } })).toBe(0);

      // Redis back: the same request is accepted at once (no row was left locking the environment).
      await redis.restart();
      const created = await deploy();
      expect(created.status).toBe(201);
      expect(await t.db.prisma.deployment.count()).toBe(1);
    });

    it("answers a JIRA webhook 503 and forgets the delivery, so JIRA's retry after Redis is back starts the deployment", async () => {
      const body = Buffer.from(
        JSON.stringify({
          timestamp: Date.now(),
          webhookEvent: 'jira:issue_updated',
          user: { accountId: 'u-1', displayName: 'Pat Planner' },
          issue: {
            id: '10001',
            key: 'OPS-1',
            fields: {
              summary: 'Base environment',
              issuetype: { name: 'Epic' },
              project: { key: 'OPS' },
              labels: ['opsprint', 'env-hooked', 'phase-base'],
              status: { name: 'Ready to Deploy' },
            },
          },
          changelog: { id: '501', items: [{ field: 'status', fieldtype: 'jira', fromString: 'To Do', toString: 'Ready to Deploy' }] },
        }),
      );
      const deliver = (retry: boolean) =>
        http()
          .post('/webhooks/jira')
          .set('Content-Type', 'application/json')
          .set('X-Hub-Signature', signJiraPayload(body, WEBHOOK_SECRET))
          .set('X-Atlassian-Webhook-Identifier', 'delivery-1')
          .set(retry ? { 'X-Atlassian-Webhook-Retry': '1' } : {})
          .send(body.toString())
          .timeout(30_000);
      const environment = { environment: { name: 'hooked' } };

      await redis.stop();
      const refused = await deliver(false);
      expect({ status: refused.status, outcome: refused.body.outcome }).toEqual({ status: 503, outcome: 'unavailable' });
      expect(await t.db.prisma.webhookDelivery.count()).toBe(0);
      expect(await t.db.prisma.deployment.count({ where: environment })).toBe(0);

      await redis.restart();
      const retried = await deliver(true);
      expect({ status: retried.status, outcome: retried.body.outcome }).toEqual({ status: 202, outcome: 'requested' });
      expect(await t.db.prisma.deployment.count({ where: environment })).toBe(1);
      expect((await deliver(true)).body.outcome).toBe('duplicate');
    });
  });
});

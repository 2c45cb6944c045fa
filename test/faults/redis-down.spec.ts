import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { environmentBody } from '../api/api-test-app.js';
import { TestRedisServer } from '../support/redis-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN = `admin-${'r'.repeat(30)}`;
let redis: TestRedisServer;
let t: TestApp;
let http: () => ReturnType<typeof request>;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  // API only: the deployment stays queued, what is checked is the request itself.
  t = await startTestApp({ runWorkers: false, redisUrl: redis.url, env: { OPSPRINT_ADMIN_TOKEN: ADMIN, REDIS_TIMEOUT_MS: '1000' } });
  await t.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  http = () => request(url);
  await http().post('/api/v1/environments').set('Authorization', `Bearer ${ADMIN}`).send(environmentBody('lab')).expect(201);
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
});

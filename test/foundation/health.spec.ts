import { spawn, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import net from 'node:net';
import { canConnect, freePort } from '../../src/infra/local-services/local-services.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

/** A Redis of this test's own, so stopping it cannot disturb anything else. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await eventually(async () => ((await canConnect('127.0.0.1', port)) ? true : undefined), 30_000, 50);
  return child;
}

/** /health shows its details (causes, counts) to a token holder only. */
const ADMIN = 'health-admin-token-0123456789abcdef';
let t: TestApp;
let redis: ChildProcess;

beforeAll(async () => {
  redisPort = await freePort();
  redis = await startRedis(redisPort);
  t = await startTestApp({ redisUrl: `redis://127.0.0.1:${redisPort}`, runWorkers: false, env: { OPSPRINT_ADMIN_TOKEN: ADMIN } });
});
let redisPort: number;
afterAll(async () => {
  // Redis comes back, so the app can close its queues cleanly.
  redis = await startRedis(redisPort);
  await t.close().catch(() => undefined);
  redis.kill('SIGKILL');
});

describe('/health', () => {
  it('answers 200 and lists every dependency when all are up', async () => {
    const response = await request(t.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN}`).expect(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.dependencies.postgres.status).toBe('up');
    expect(response.body.dependencies.redis.status).toBe('up');
    expect(response.body.dependencies.queues.status).toBe('up');
    expect(Object.keys(response.body.dependencies.queues.counts)).toEqual(expect.arrayContaining(['deployments', 'jira', 'confluence']));
  });

  it('turns 503 with the cause when Redis stops', async () => {
    redis.kill('SIGKILL');
    // Until the app's clients notice the closed connection, /health may still say 200.
    const response = await eventually(async () => {
      const answer = await request(t.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN}`);
      return answer.status === 200 ? undefined : answer;
    });
    expect(response.status).toBe(503);
    expect(response.body.status).toBe('error');
    expect(response.body.dependencies.redis.status).toBe('down');
    expect(response.body.dependencies.redis.detail).toMatch(/ECONNREFUSED|Connection is closed|did not answer|connect/);
    expect(response.body.dependencies.postgres.status).toBe('up');
  });
});

/** A TCP relay in front of the real PostgreSQL: closing it is, for the app, PostgreSQL stopping. */
async function startRelay(targetPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('/health when PostgreSQL stops', () => {
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const url = new URL(db.tcpUrl);
    relay = await startRelay(Number(url.port || 5432));
    url.port = String(relay.port);
    app = await startTestApp({ databaseUrl: url.toString(), runWorkers: false, env: { OPSPRINT_ADMIN_TOKEN: ADMIN } });
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await db?.drop();
  });

  it('answers 200, then 503 naming PostgreSQL once it is unreachable', async () => {
    await request(app.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN}`).expect(200);
    await relay.stop();
    const response = await request(app.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN}`).expect(503);
    expect(response.body.dependencies.postgres.status).toBe('down');
    expect(response.body.dependencies.postgres.detail).toBeTruthy();
    expect(response.body.dependencies.redis.status).toBe('up');
  });
});

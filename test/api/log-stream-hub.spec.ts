/**
 * Issue 9, item 6: every log stream of one deployment is served from one shared subscription per
 * API process, not one PostgreSQL poll per stream. The API process here runs no workers; a second
 * application (a worker process on the same database and Redis prefix) runs the deployment, so the
 * live lines reach the streams through Redis as they would across processes.
 */
import request from 'supertest';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import type { LogLine } from '../../src/infra/signals/deployment-signals.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { SseReader, type SseEvent } from './sse-reader.js';

const ADMIN_TOKEN = 'log-hub-admin-token-0123456789abcdef';
const STREAMS = 5;
const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

let lab: Lab;
let api: TestApp;
let worker: TestApp | undefined;
let second: TestApp | undefined;
let baseUrl: string;

/** A worker process on the API's database, Redis prefix and secret key: the deployment starts when it does. */
const startWorker = () =>
  startTestApp({
    databaseUrl: api.runtime.databaseUrl,
    dataDir: api.runtime.dataDir, // where the secret key lives
    runWorkers: true,
    serveHttp: false,
    env: { QUEUE_PREFIX: api.runtime.config.app.QUEUE_PREFIX, OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN },
  });

/** The hub's gauges as /metrics shows them. */
async function hubGauges(): Promise<{ subscriptions: number; streams: number }> {
  const answer = await request(api.app.getHttpServer()).get('/metrics').set(auth).expect(200);
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(answer.text)?.[1]);
  return { subscriptions: value('opsprint_log_stream_subscriptions'), streams: value('opsprint_log_streams_open') };
}

async function openStreams(id: string, count = STREAMS, url = baseUrl): Promise<{ events: SseReader; abort: AbortController }[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const abort = new AbortController();
      const response = await fetch(`${url}/api/v1/deployments/${id}/logs/stream`, { headers: auth, signal: abort.signal });
      expect(response.status).toBe(200);
      const events = new SseReader(response.body!.getReader());
      // The first event is sent once the stream is attached to the hub.
      expect((await events.next())?.event).toBe('deployment');
      return { events, abort };
    }),
  );
}

async function readToEnd(events: SseReader): Promise<SseEvent[]> {
  const received: SseEvent[] = [];
  for (let event = await events.next(); event; event = await events.next()) received.push(event);
  return received;
}

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
  api = await startTestApp({ runWorkers: false, env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN } });
  await api.app.listen(0, '127.0.0.1');
  baseUrl = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
  const inventory = labInventory(lab);
  await request(api.app.getHttpServer())
    .post('/api/v1/environments')
    .set(auth)
    .send({ name: 'lab', network: inventory.network, nodes: inventory.nodes, secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! } })
    .expect(201);
});
afterAll(async () => {
  await second?.close();
  await worker?.close();
  await api?.close();
  await lab?.stop();
});

describe('log streams of one deployment share one subscription', () => {
  let id: string;

  it('counts one subscription for five streams, and none once the clients close them', async () => {
    const created = await request(api.app.getHttpServer())
      .post('/api/v1/deployments')
      .set(auth)
      .send({ environment: 'lab', phases: ['base'] });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(await hubGauges()).toEqual({ subscriptions: 0, streams: 0 });

    const streams = await openStreams(id);
    expect(await hubGauges()).toEqual({ subscriptions: 1, streams: STREAMS });

    for (const { abort } of streams) abort.abort();
    await eventually(async () => {
      const gauges = await hubGauges();
      return gauges.subscriptions === 0 && gauges.streams === 0 ? gauges : undefined;
    });
  });

  it('gives every stream the same complete, ordered events of a lab deployment, then ends them all', async () => {
    const streams = await openStreams(id);
    expect(await hubGauges()).toEqual({ subscriptions: 1, streams: STREAMS });

    // The deployment starts only now, in the worker process: every stream is attached before its first line.
    worker = await startWorker();
    const received = await Promise.all(streams.map(({ events }) => readToEnd(events)));

    const [first, ...others] = received;
    for (const other of others) expect(other).toEqual(first);
    const end = first.at(-1)!;
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data)).toMatchObject({ status: 'succeeded' });
    const lines = first.slice(0, -1).map((event) => {
      expect(event.event).toBe('message');
      return JSON.parse(event.data) as LogLine;
    });
    // Complete: every step of the ledger shows its start and its outcome once, the start first.
    const steps = await api.db.prisma.stepRun.findMany({ where: { deploymentId: id } });
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      const own = lines.filter((l) => l.stream === 'status' && l.node === step.node && l.stepKey === step.stepKey);
      expect({ step: step.stepKey, node: step.node, lines: own.map((l) => l.line[0]) }).toEqual({
        step: step.stepKey,
        node: step.node,
        lines: ['▶', '✓'],
      });
    }
    // Ordered: as published, so the timestamps never go back.
    const times = lines.map((l) => Date.parse(l.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    await eventually(async () => {
      const gauges = await hubGauges();
      return gauges.subscriptions === 0 && gauges.streams === 0 ? gauges : undefined;
    });
  }, 120_000);

  it('gives streams held by two API processes the same events', async () => {
    await worker?.close();
    worker = undefined;
    second = await startTestApp({
      databaseUrl: api.runtime.databaseUrl,
      dataDir: api.runtime.dataDir,
      runWorkers: false,
      env: { QUEUE_PREFIX: api.runtime.config.app.QUEUE_PREFIX, OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    await second.app.listen(0, '127.0.0.1');
    const secondUrl = (await second.app.getUrl()).replace('[::1]', '127.0.0.1');
    const created = await request(api.app.getHttpServer())
      .post('/api/v1/deployments')
      .set(auth)
      .send({ environment: 'lab', phases: ['base'] });
    expect(created.status).toBe(201);
    const streams = [...(await openStreams(created.body.id, 3)), ...(await openStreams(created.body.id, 2, secondUrl))];
    // Both processes count into this test's one registry: one subscription each.
    expect(await hubGauges()).toEqual({ subscriptions: 2, streams: 5 });

    worker = await startWorker();
    const received = await Promise.all(streams.map(({ events }) => readToEnd(events)));
    const [first, ...others] = received;
    for (const other of others) expect(other).toEqual(first);
    expect(JSON.parse(first.at(-1)!.data)).toMatchObject({ status: 'succeeded' });
    expect(first.filter((event) => event.event === 'message').length).toBeGreaterThan(10);
  }, 120_000);
});

import type { LogLine } from '../../src/infra/signals/deployment-signals.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { ADMIN_TOKEN, bearer, createToken, startApiApp, type ApiTestApp } from './api-test-app.js';
import { SseReader } from './sse-reader.js';

describe('live-deployment', () => {
  let lab: Lab;
  let t: ApiTestApp;
  let baseUrl: string;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    t = await startApiApp({ runWorkers: true });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
  });
  afterAll(async () => {
    await t?.close();
    await lab?.stop();
  });

  describe('a deployment driven through the API on lab nodes, with workers on', () => {
    it('streams the real step output while the base phase runs, then ends with succeeded', async () => {
      const operator = (await createToken(t, 'pipeline', 'operator')).token;
      const inventory = labInventory(lab);
      await t
        .http()
        .post('/api/v1/environments')
        .set(bearer(operator))
        .send({ name: 'lab', network: inventory.network, nodes: inventory.nodes, secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! } })
        .expect(201);

      const created = await t
        .http()
        .post('/api/v1/deployments')
        .set(bearer(operator))
        .send({ environment: 'lab', phases: ['base'] })
        .expect(201);
      const response = await fetch(`${baseUrl}/api/v1/deployments/${created.body.id}/logs/stream`, { headers: bearer(operator) });
      const events = new SseReader(response.body!.getReader());
      const lines: LogLine[] = [];
      let end;
      for (let event = await events.next(); event; event = await events.next()) {
        if (event.event === 'message') lines.push(JSON.parse(event.data) as LogLine);
        if (event.event === 'end') end = JSON.parse(event.data);
      }
      expect(end).toMatchObject({ status: 'succeeded' });
      const nodes = new Set(lines.map((l) => l.node));
      expect(nodes).toEqual(new Set(['linux-node1.example.com', 'linux-node2.example.com']));
      expect(lines.some((l) => l.stream === 'status' && l.line.startsWith('✓'))).toBe(true);
      // "▶ step" lines are only ever published live (the ledger replay has finished steps only).
      expect(lines.some((l) => l.stream === 'status' && l.line.startsWith('▶'))).toBe(true);

      const done = await t.http().get(`/api/v1/deployments/${created.body.id}`).set(bearer(ADMIN_TOKEN)).expect(200);
      expect(done.body.status).toBe('succeeded');
      const step = done.body.phaseRuns[0].steps.find((s: { status: string }) => s.status === 'changed' || s.status === 'ok');
      const output = await t
        .http()
        .get(`/api/v1/deployments/${created.body.id}/steps/${step.id}/output`)
        .set(bearer(ADMIN_TOKEN))
        .expect(200);
      expect(output.body.finishedAt).not.toBeNull();

      // A verify step answers with the expectations it checked and each outcome, not only "ok".
      const verify = done.body.phaseRuns[0].steps.find((s: { kind: string }) => s.kind === 'verify');
      const evidence = await t
        .http()
        .get(`/api/v1/deployments/${created.body.id}/steps/${verify.id}/output`)
        .set(bearer(ADMIN_TOKEN))
        .expect(200);
      expect(evidence.body.status).toBe('ok');
      expect(evidence.body.expectations.length).toBeGreaterThan(0);
      for (const outcome of evidence.body.expectations) {
        expect(outcome).toEqual({ name: expect.any(String), expected: expect.any(String), actual: expect.any(String), passed: true });
        expect(outcome.actual).not.toBe('');
      }
    });
  });
});

import { DeploymentSignals } from '../../src/infra/signals/deployment-signals.js';
import { ADMIN_TOKEN, bearer, closeAsWorker, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';
import { SseReader, type SseEvent } from './sse-reader.js';

describe('log-stream', () => {
  let t: ApiTestApp;
  let baseUrl: string;
  const ADMIN_PASS = 'Stream-admin-pass-9001';

  beforeAll(async () => {
    t = await startApiApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    await t.http().post('/api/v1/environments').set(bearer(ADMIN_TOKEN)).send(environmentBody('lab', { ADMIN_PASS })).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const liveLine = (deploymentId: string, line: string) => ({
    deploymentId,
    phaseKey: 'base',
    node: 'linux-node1.example.com',
    stepKey: 'live-step',
    stream: 'stdout' as const,
    line,
    at: new Date().toISOString(),
  });

  async function openStream(id: string): Promise<{ response: Response; events: SseReader }> {
    const response = await fetch(`${baseUrl}/api/v1/deployments/${id}/logs/stream`, { headers: bearer(ADMIN_TOKEN) });
    return { response, events: new SseReader(response.body!.getReader()) };
  }

  describe('GET /api/v1/deployments/:id/logs/stream', () => {
    it("sends a step's final status line before the end even when its live line never arrived (end read from PostgreSQL, lines over Redis)", async () => {
      // An environment of its own: with a step already finished, only a worker frees the environment after the cancel.
      await t.http().post('/api/v1/environments').set(bearer(ADMIN_TOKEN)).send(environmentBody('lab-end', { ADMIN_PASS })).expect(201);
      const created = await t
        .http()
        .post('/api/v1/deployments')
        .set(bearer(ADMIN_TOKEN))
        .send({ environment: 'lab-end', phases: ['base'] })
        .expect(201);
      const id: string = created.body.id;
      const { events } = await openStream(id);
      expect(JSON.parse((await events.next())!.data)).toEqual({ id, status: 'queued' });

      await t.http().post(`/api/v1/deployments/${id}/cancel`).set(bearer(ADMIN_TOKEN)).expect(200);
      // Cancelled but not closed: the worker is still stopping its step, so a stream, even one opened
      // now, stays open for that step's last line: a live line sent now still arrives on both.
      const late = await openStream(id);
      expect(JSON.parse((await late.events.next())!.data)).toEqual({ id, status: 'cancelled' });
      t.app.get(DeploymentSignals).publishLog(liveLine(id, 'still stopping'));
      for (const stream of [events, late.events]) {
        expect(JSON.parse((await stream.next())!.data)).toMatchObject({ line: 'still stopping' });
      }

      // The worker stopped the step and closed the deployment; the step's line never made it over Redis.
      const step = await t.db.prisma.stepRun.findFirstOrThrow({ where: { deploymentId: id }, orderBy: { position: 'asc' } });
      await t.db.prisma.stepRun.update({ where: { id: step.id }, data: { status: 'cancelled', finishedAt: new Date() } });
      await closeAsWorker(t, id);

      const seen: SseEvent[] = [];
      for (let event = await events.next(); event; event = await events.next()) seen.push(event);
      const lines = seen.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data).line);
      expect(lines).toEqual([`✗ ${step.title}: cancelled`]);
      expect(seen.at(-1)?.event).toBe('end');
      const lateSeen: SseEvent[] = [];
      for (let event = await late.events.next(); event; event = await late.events.next()) lateSeen.push(event);
      expect(lateSeen.map((e) => (e.event === 'message' ? JSON.parse(e.data).line : e.event))).toEqual([
        `✗ ${step.title}: cancelled`,
        'end',
      ]);
    });

    it('replays finished steps, delivers live lines masked, and ends when the deployment finishes', async () => {
      const created = await t
        .http()
        .post('/api/v1/deployments')
        .set(bearer(ADMIN_TOKEN))
        .send({ environment: 'lab', phases: ['base'] })
        .expect(201);
      const id: string = created.body.id;
      // What a worker leaves in the ledger after finishing the first step.
      const first = await t.db.prisma.stepRun.findFirstOrThrow({ where: { deploymentId: id }, orderBy: { position: 'asc' } });
      await t.db.prisma.stepRun.update({ where: { id: first.id }, data: { status: 'ok', finishedAt: new Date() } });

      const { response, events } = await openStream(id);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(JSON.parse((await events.next())!.data)).toEqual({ id, status: 'queued' });
      const replayed = JSON.parse((await events.until((e) => e.event === 'message')).data);
      expect(replayed).toMatchObject({
        stream: 'status',
        node: first.node,
        stepKey: first.stepKey,
        line: `✓ ${first.title}: ok`,
        replayed: true,
      });

      t.app.get(DeploymentSignals).publishLog(liveLine(id, `logging in with ${ADMIN_PASS}`));
      const live = JSON.parse((await events.until((e) => e.event === 'message')).data);
      expect(live).toMatchObject({ stepKey: 'live-step', stream: 'stdout', line: 'logging in with ********' });
      expect(live.replayed).toBeUndefined();

      await t.http().post(`/api/v1/deployments/${id}/cancel`).set(bearer(ADMIN_TOKEN)).expect(200);
      await closeAsWorker(t, id);
      const end = await events.until((e) => e.event === 'end');
      expect(JSON.parse(end.data)).toMatchObject({ status: 'cancelled' });
      expect(await events.next()).toBeUndefined();
    });

    it('gives a late client the replay and the end at once', async () => {
      const [finished] = (await t.http().get('/api/v1/deployments?status=cancelled').set(bearer(ADMIN_TOKEN)).expect(200)).body;
      const { events } = await openStream(finished.id);
      const received: SseEvent[] = [];
      for (let event = await events.next(); event; event = await events.next()) received.push(event);
      expect(received.map((e) => e.event)).toEqual(['deployment', 'message', 'end']);
    });

    it('needs a token and answers 404 for an unknown deployment before streaming', async () => {
      const anonymous = await fetch(`${baseUrl}/api/v1/deployments/x/logs/stream`);
      expect(anonymous.status).toBe(401);
      const unknown = await fetch(`${baseUrl}/api/v1/deployments/00000000-0000-0000-0000-000000000000/logs/stream`, {
        headers: bearer(ADMIN_TOKEN),
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ statusCode: 404 });
    });
  });
});

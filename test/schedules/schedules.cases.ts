import { randomBytes } from 'node:crypto';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { DeploymentSchedulesService } from '../../src/schedules/deployment-schedules.service.js';
import { ADMIN_TOKEN, bearer, createToken, environmentBody, startApiApp, type ApiTestApp } from '../api/api-test-app.js';
import { deleteRedisPrefix, eventually, SCHEDULES_ON, startTestApp, type TestApp } from '../support/test-app.js';

describe('schedules', () => {
  describe('deployment schedules through the API (no workers: a started deployment stays queued)', () => {
    let t: ApiTestApp;
    let operator: string;
    let viewer: string;

    beforeAll(async () => {
      t = await startApiApp({ env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, ...SCHEDULES_ON } });
      operator = (await createToken(t, 'release-bot', 'operator')).token;
      viewer = (await createToken(t, 'watcher', 'viewer')).token;
      await t.http().post('/api/v1/environments').set(bearer(operator)).send(environmentBody('lab')).expect(201);
    });
    afterAll(async () => {
      await t?.close();
    });

    const create = (body: Record<string, unknown>, token = operator) => t.http().post('/api/v1/schedules').set(bearer(token)).send(body);

    it('refuses a bad cron expression, time zone, environment or phase with a 400 naming the field, and stores nothing', async () => {
      const cron = await create({ environment: 'lab', name: 'nightly', cron: '0 3 * *' }).expect(400);
      expect(cron.body.reasons).toEqual(['cron: expected 5 fields (minute hour day-of-month month day-of-week), got 4: "0 3 * *"']);
      const zone = await create({ environment: 'lab', name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Atlantis' }).expect(400);
      expect(zone.body.reasons).toEqual(['timezone: "Europe/Atlantis" is not an IANA time zone name (e.g. UTC, Europe/Paris)']);
      const all = await create({
        environment: 'nowhere',
        name: 'nightly',
        cron: '99 * * * *',
        timezone: 'Nope/Nope',
        phases: ['base', 'nope'],
      }).expect(400);
      expect(all.body.reasons).toEqual([
        'environment: nowhere does not exist',
        'cron: "99 * * * *": Field value (99) is out of range',
        'timezone: "Nope/Nope" is not an IANA time zone name (e.g. UTC, Europe/Paris)',
        'phases: "nope" is not a phase of openstack-liberty',
      ]);
      expect(await t.db.prisma.deploymentSchedule.count()).toBe(0);
    });

    it('lets an operator create one (audited, with its BullMQ scheduler) and a viewer only read', async () => {
      await create({ environment: 'lab', name: 'nightly', cron: '0 3 * * *' }, viewer).expect(403);
      const created = await create({
        environment: 'lab',
        name: 'nightly',
        cron: '30 2 * * 1-5',
        timezone: 'Europe/Paris',
        phases: ['base'],
      }).expect(201);
      expect(created.body).toMatchObject({
        kind: 'deployment',
        cron: '30 2 * * 1-5',
        timezone: 'Europe/Paris',
        enabled: true,
        off: null,
        lastRun: null,
        deployment: {
          environment: 'lab',
          name: 'nightly',
          runbook: 'openstack-liberty',
          phases: ['base'],
          dryRun: false,
          createdBy: 'release-bot',
        },
      });
      // 02:30 in Paris is 01:30 UTC in winter, on a weekday.
      expect(created.body.nextRunAt).toMatch(/T01:30:00\.000Z$/);
      const scheduler = await t.app.get(JobQueue).scheduler('schedules:deploy', `deployment-${created.body.key}`);
      expect(scheduler).toMatchObject({ pattern: '30 2 * * 1-5', tz: 'Europe/Paris' });
      expect(new Date(scheduler!.next!).toISOString()).toBe(created.body.nextRunAt);
      const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: 'schedule.create', target: created.body.key } });
      expect(audit).toMatchObject({ actor: 'release-bot', detail: expect.objectContaining({ environment: 'lab', cron: '30 2 * * 1-5' }) });

      const listed = await t.http().get('/api/v1/schedules').set(bearer(viewer)).expect(200);
      expect(listed.body.map((s: { key: string }) => s.key)).toEqual(['drift-check', 'daily-digest', 'sprint-review', created.body.key]);
      expect(listed.body[0]).toMatchObject({ kind: 'drift-check', cron: '17 * * * *', timezone: 'UTC', enabled: true, off: null });
      await create({ environment: 'lab', name: 'nightly', cron: '0 4 * * *' }).expect(409);
    });

    it('a firing starts the deployment; one while the environment is busy is recorded as skipped, not queued; the same firing twice runs once', async () => {
      const [schedule] = await t.db.prisma.deploymentSchedule.findMany();
      const schedules = t.app.get(DeploymentSchedulesService);
      const first = await schedules.fire(schedule.id, 'repeat:test:1');
      expect(first).toMatchObject({ outcome: 'done', deploymentId: expect.any(String) });
      const deployment = await t.http().get(`/api/v1/deployments/${first.deploymentId}`).set(bearer(viewer)).expect(200);
      expect(deployment.body).toMatchObject({ trigger: 'schedule', requester: 'schedule:nightly', status: 'queued' });
      expect(deployment.body.phaseRuns.map((p: { phaseKey: string }) => p.phaseKey)).toEqual(['base']);

      // Still queued (no worker here): the next firing must not start or queue a second one.
      const second = await schedules.fire(schedule.id, 'repeat:test:2');
      expect(second.outcome).toBe('skipped');
      expect(second.reason).toContain(
        `environment lab already has an active deployment (${first.deploymentId}, queued, requested by schedule:nightly)`,
      );
      // The same firing handed out twice (two processes) runs once.
      const again = await Promise.all([schedules.fire(schedule.id, 'repeat:test:3'), schedules.fire(schedule.id, 'repeat:test:3')]);
      expect(again.filter((r) => r.runId).length).toBe(1);
      expect(await t.db.prisma.deployment.count()).toBe(1);

      const runs = await t.http().get(`/api/v1/schedules/${schedule.id}/runs`).set(bearer(viewer)).expect(200);
      expect(runs.body.map((r: { fireKey: string; outcome: string }) => [r.fireKey, r.outcome])).toEqual([
        ['repeat:test:3', 'skipped'],
        ['repeat:test:2', 'skipped'],
        ['repeat:test:1', 'done'],
      ]);
      expect(runs.body[2].deploymentId).toBe(first.deploymentId);
      const got = await t.http().get(`/api/v1/schedules/${schedule.id}`).set(bearer(viewer)).expect(200);
      expect(got.body.lastRun).toMatchObject({ fireKey: 'repeat:test:3', outcome: 'skipped' });
    });

    it('the off switch: no scheduler, listed as off, and a firing that still arrives does nothing', async () => {
      await t
        .http()
        .post(`/api/v1/deployments/${(await t.db.prisma.deployment.findFirst())!.id}/cancel`)
        .set(bearer(operator))
        .expect(200);
      const [schedule] = await t.db.prisma.deploymentSchedule.findMany();
      const off = await t.http().patch(`/api/v1/schedules/${schedule.id}`).set(bearer(operator)).send({ enabled: false }).expect(200);
      expect(off.body).toMatchObject({ enabled: false, off: 'the schedule is switched off (enabled: false)', nextRunAt: null });
      expect(await t.app.get(JobQueue).scheduler('schedules:deploy', `deployment-${schedule.id}`)).toBeUndefined();
      const fired = await t.app.get(DeploymentSchedulesService).fire(schedule.id, 'repeat:test:4');
      expect(fired).toMatchObject({ outcome: 'skipped', reason: 'the schedule is off (enabled: false)' });
      expect(await t.db.prisma.deployment.count()).toBe(1);

      const bad = await t
        .http()
        .patch(`/api/v1/schedules/${schedule.id}`)
        .set(bearer(operator))
        .send({ timezone: 'Moon/Base' })
        .expect(400);
      expect(bad.body.reasons).toEqual(['timezone: "Moon/Base" is not an IANA time zone name (e.g. UTC, Europe/Paris)']);
      const on = await t
        .http()
        .patch(`/api/v1/schedules/${schedule.id}`)
        .set(bearer(operator))
        .send({ enabled: true, cron: '0 4 * * *' })
        .expect(200);
      expect(on.body).toMatchObject({ enabled: true, off: null, cron: '0 4 * * *', timezone: 'Europe/Paris' });
      expect(await t.app.get(JobQueue).scheduler('schedules:deploy', `deployment-${schedule.id}`)).toMatchObject({ pattern: '0 4 * * *' });

      await t.http().delete(`/api/v1/schedules/${schedule.id}`).set(bearer(viewer)).expect(403);
      const deleted = await t.http().delete(`/api/v1/schedules/${schedule.id}`).set(bearer(operator)).expect(200);
      expect(deleted.body).toMatchObject({ key: schedule.id, off: 'deleted', nextRunAt: null });
      expect(await t.app.get(JobQueue).scheduler('schedules:deploy', `deployment-${schedule.id}`)).toBeUndefined();
      await t.http().get(`/api/v1/schedules/${schedule.id}`).set(bearer(ADMIN_TOKEN)).expect(404);
      await t.http().get('/api/v1/schedules/not-a-schedule').set(bearer(ADMIN_TOKEN)).expect(400);
    });
  });

  describe('switched off by settings', () => {
    let t: ApiTestApp;
    afterAll(async () => {
      await t?.close();
    });

    it('DRIFT_CHECK_ENABLED=false and SCHEDULED_DEPLOYMENTS_ENABLED=false: no scheduler, listed as off, firings do nothing', async () => {
      t = await startApiApp({
        env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN, DRIFT_CHECK_ENABLED: 'false', SCHEDULED_DEPLOYMENTS_ENABLED: 'false' },
      });
      await t.http().post('/api/v1/environments').set(bearer(ADMIN_TOKEN)).send(environmentBody('lab')).expect(201);
      const created = await t
        .http()
        .post('/api/v1/schedules')
        .set(bearer(ADMIN_TOKEN))
        .send({ environment: 'lab', name: 'hourly', cron: '0 * * * *' })
        .expect(201);
      expect(created.body).toMatchObject({ enabled: true, off: 'SCHEDULED_DEPLOYMENTS_ENABLED=false', nextRunAt: null });
      const queue = t.app.get(JobQueue);
      expect(await queue.scheduler('schedules:deploy', `deployment-${created.body.key}`)).toBeUndefined();
      expect(await queue.scheduler('schedules:drift-check', 'drift-check')).toBeUndefined();
      const drift = await t.http().get('/api/v1/schedules/drift-check').set(bearer(ADMIN_TOKEN)).expect(200);
      expect(drift.body).toMatchObject({ enabled: false, off: 'DRIFT_CHECK_ENABLED=false', nextRunAt: null });
      const fired = await t.app.get(DeploymentSchedulesService).fire(created.body.key, 'repeat:off:1');
      expect(fired).toMatchObject({ outcome: 'skipped', reason: 'scheduled deployments are off (SCHEDULED_DEPLOYMENTS_ENABLED=false)' });
      expect(await t.db.prisma.deployment.count()).toBe(0);
    });
  });

  describe('two service processes on one Redis prefix and one database', () => {
    const prefix = `two-${randomBytes(4).toString('hex')}`;
    let a: TestApp;
    let b: TestApp;

    beforeAll(async () => {
      a = await startTestApp({ env: { QUEUE_PREFIX: prefix, ...SCHEDULES_ON } });
      b = await startTestApp({ env: { QUEUE_PREFIX: prefix, ...SCHEDULES_ON }, databaseUrl: a.db.url });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
      await deleteRedisPrefix(prefix);
    });

    it('a schedule both processes register fires once per tick, each firing run by one of them', async () => {
      // Both processes upsert the same scheduler (as every process does at start-up), here ticking every 300 ms.
      await a.app.get(JobQueue).schedule('drift-check', 'schedules:drift-check', { every: 300 }, {});
      await b.app.get(JobQueue).schedule('drift-check', 'schedules:drift-check', { every: 300 }, {});
      const runs = await eventually(async () => {
        const rows = await a.db.prisma.scheduleRun.findMany({ where: { scheduleKey: 'drift-check', finishedAt: { not: null } } });
        return rows.length >= 5 ? rows : undefined;
      }, 60_000);
      await a.app.get(JobQueue).unschedule('schedules:drift-check', 'drift-check');
      // Each firing is its own BullMQ job (id from the scheduler and the tick), claimed once.
      expect(new Set(runs.map((r) => r.fireKey)).size).toBe(runs.length);
      expect(runs.every((r) => r.fireKey.startsWith('repeat:drift-check:'))).toBe(true);
      expect(runs.every((r) => r.outcome === 'skipped' && r.reason === 'no environment has a finished phase')).toBe(true);
      // No firing was handed to a second worker: every completed job claimed its own row.
      const jobs = await a.app.get(JobQueue).jobs('schedules', ['completed']);
      const fired = jobs.filter((j) => j.name === 'schedules:drift-check');
      expect(fired.length).toBeGreaterThanOrEqual(runs.length);
      expect(fired.filter((j) => /was already run/.test(String((j.returnvalue as { reason?: string })?.reason)))).toEqual([]);
    });
  });
});

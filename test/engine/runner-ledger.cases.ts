/**
 * The engine tier: the phase runner, the ledger and the coordinator on the real PostgreSQL and
 * Redis (BullMQ), with steps run by the local bash instead of over SSH. Fast enough to cover the
 * ledger rules one by one; the lab and real-sshd suites cover the same paths end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { DeploymentEventBus } from '../../src/infra/events/deployment-event-bus.js';
import type { DeploymentEvent } from '../../src/infra/events/deployment-events.js';
import { LedgerRepository } from '../../src/persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { DeploymentCoordinator } from '../../src/workers/deployment-coordinator.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { withClockOff } from '../support/clock.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, createLocalEnvironment, finished, stepsByKey } from './support/engine-fixtures.js';

describe('runner-ledger', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-engine-'));
  const marker = (name: string) => path.join(dir, name);

  const sequence = commandRunbook('sequence', [{ key: 'p', steps: ['echo one', 'echo two', 'echo three', 'echo four'] }]);
  // Fails at its third step the first time only.
  const resumableThird = `test -e ${marker('resumable')} || { touch ${marker('resumable')}; exit 1; }`;
  const resumable = commandRunbook('resumable', [{ key: 'r', steps: ['echo one', 'echo two', resumableThird, 'echo four'] }]);
  const failing = commandRunbook('failing', [
    { key: 'first', steps: ['true', 'echo broken >&2; exit 3', 'echo never'] },
    { key: 'after', dependsOn: ['first'], steps: ['echo never either'] },
  ]);
  const diamond = commandRunbook('diamond', [
    { key: 'a', steps: [`echo a >> ${marker('diamond')}`] },
    { key: 'b', dependsOn: ['a'], steps: [`echo b >> ${marker('diamond')}`] },
    { key: 'c', dependsOn: ['a'], steps: [`echo c >> ${marker('diamond')}`] },
    { key: 'd', dependsOn: ['b', 'c'], steps: [`echo d >> ${marker('diamond')}`] },
  ]);
  const timed = commandRunbook('timed', [
    {
      key: 't',
      // The first attempt sleeps 1 s and fails; the retry sleeps 0.2 s and succeeds.
      steps: ['sleep 0.2', `if [ -e ${marker('retried')} ]; then sleep 0.2; else touch ${marker('retried')}; sleep 1; exit 1; fi`],
    },
  ]);
  // One step with a guard: the first run finds work (the guard fails, the command runs), the second finds it done.
  const guardedFixture = commandRunbook('guarded', [{ key: 'g', steps: [`touch ${marker('guarded')}`] }]);
  const guarded = {
    ...guardedFixture,
    phases: guardedFixture.phases.map((phase) => ({
      ...phase,
      stories: phase.stories.map((story) => ({
        ...story,
        steps: story.steps.map((step) => ({ ...step, guard: `test -e ${marker('guarded')}` })),
      })),
    })),
  };

  const sessions = new LocalSessionFactory();
  const events: DeploymentEvent[] = [];
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      sessionFactory: sessions,
      catalog: RunbookCatalog.of([sequence, resumable, failing, diamond, timed, guarded]),
    });
    // Followers are found at start-up; this one records what the engine told the rest of the system.
    const bus = t.app.get(DeploymentEventBus);
    const emit = bus.emit.bind(bus);
    bus.emit = async (event) => {
      events.push({ ...event, at: new Date().toISOString() } as DeploymentEvent);
      await emit(event);
    };
    await createLocalEnvironment(t);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sessions.runs.length = 0;
    sessions.beforeRun = undefined;
    events.length = 0;
  });

  const deploy = (runbook: string) =>
    t.app.get(DeploymentsService).create({ environment: 'local', runbook, trigger: 'api', requester: 'engine-test' });

  describe('the phase runner and its ledger', () => {
    it("writes each step's result to PostgreSQL before the next step starts", async () => {
      const seenBefore: Record<string, string> = {};
      const runningWhileRun: Record<string, string> = {};
      let deploymentId = '';
      sessions.beforeRun = async (_node, script) => {
        const steps = await stepsByKey(t.db.prisma, deploymentId);
        const previous = [...steps.values()].filter((step) => step.status !== 'pending' && step.status !== 'running');
        seenBefore[script] = previous.map((step) => `${step.stepKey}:${step.status}`).join(',');
        // The step on the host is the one the ledger has running (its start shares the previous step's commit).
        runningWhileRun[script] = [...steps.values()]
          .filter((step) => step.status === 'running')
          .map((step) => `${step.stepKey}:${step.attempt}`)
          .join(',');
      };
      const created = await deploy('sequence');
      deploymentId = created.id;
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('succeeded');
      expect(seenBefore).toEqual({
        'echo one': '',
        'echo two': 'p-s1:changed',
        'echo three': 'p-s1:changed,p-s2:changed',
        'echo four': 'p-s1:changed,p-s2:changed,p-s3:changed',
      });
      expect(runningWhileRun).toEqual({ 'echo one': 'p-s1:1', 'echo two': 'p-s2:1', 'echo three': 'p-s3:1', 'echo four': 'p-s4:1' });
      const attempts = await t.db.prisma.stepAttempt.findMany({ where: { deploymentId: created.id }, orderBy: { startedAt: 'asc' } });
      expect(attempts.map((a) => [a.attempt, a.status, a.exitCode, a.finishedAt !== null])).toEqual(
        Array.from({ length: 4 }, () => [1, 'changed', 0, true]),
      );
      // Each attempt finished before the next one started, and its duration is its own.
      for (const [i, attempt] of attempts.entries()) {
        if (i > 0) expect(attempt.startedAt.getTime()).toBeGreaterThanOrEqual(attempts[i - 1].finishedAt!.getTime());
        expect(attempt.durationMs).toBe(attempt.finishedAt!.getTime() - attempt.startedAt.getTime());
      }
      const steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt, s.stdout])).toEqual([
        ['p-s1', 'changed', 1, 'one\n'],
        ['p-s2', 'changed', 1, 'two\n'],
        ['p-s3', 'changed', 1, 'three\n'],
        ['p-s4', 'changed', 1, 'four\n'],
      ]);
    });

    it("records a step's guard apart from its command: both when the guard found work, the guard alone when it found the step done", async () => {
      const first = await deploy('guarded');
      expect((await finished(t.db.prisma, first.id)).status).toBe('succeeded');
      expect((await stepsByKey(t.db.prisma, first.id)).get('g-s1')).toMatchObject({
        status: 'changed',
        guard: `test -e ${marker('guarded')}`,
        command: `touch ${marker('guarded')}`,
      });
      const second = await deploy('guarded');
      expect((await finished(t.db.prisma, second.id)).status).toBe('succeeded');
      expect((await stepsByKey(t.db.prisma, second.id)).get('g-s1')).toMatchObject({
        status: 'ok',
        guard: `test -e ${marker('guarded')}`,
        command: null,
      });
    });

    it('resumes a phase at the first unfinished step: steps the ledger has as done are not run again', async () => {
      const created = await deploy('resumable');
      expect((await finished(t.db.prisma, created.id)).status).toBe('failed');
      expect(sessions.runs.map((run) => run.script)).toEqual(['echo one', 'echo two', resumableThird]);

      sessions.runs.length = 0;
      await t.app.get(DeploymentsService).retry(created.id, 'engine-test');
      expect((await finished(t.db.prisma, created.id)).status).toBe('succeeded');
      expect(sessions.runs.map((run) => run.script)).toEqual([resumableThird, 'echo four']);
      const steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
        ['r-s1', 'changed', 1],
        ['r-s2', 'changed', 1],
        ['r-s3', 'changed', 2],
        ['r-s4', 'changed', 1],
      ]);
    });

    it('a failing step fails its phase: later steps do not run, dependants never start, the deployment says why', async () => {
      const created = await deploy('failing');
      const done = await finished(t.db.prisma, created.id);
      expect({ status: done.status, error: done.error }).toEqual({
        status: 'failed',
        error: 'step "first step 2" (first-s2) failed on linux-node1.example.com with exit code 3',
      });
      expect(sessions.runs.map((run) => run.script)).toEqual(['true', 'echo broken >&2; exit 3']);
      const steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => [s.stepKey, s.status])).toEqual([
        ['first-s1', 'changed'],
        ['first-s2', 'failed'],
        ['first-s3', 'pending'],
        ['after-s1', 'pending'],
      ]);
      expect(steps.get('first-s2')).toMatchObject({ exitCode: 3, stderr: 'broken\n' });
      const phases = await t.db.prisma.phaseRun.findMany({ where: { deploymentId: created.id }, orderBy: { position: 'asc' } });
      expect(phases.map((p) => [p.phaseKey, p.status])).toEqual([
        ['first', 'failed'],
        ['after', 'pending'],
      ]);
      expect(events.find((e) => e.type === 'story.failed')).toMatchObject({ stepKey: 'first-s2', exitCode: 3, outputTail: 'broken' });
      expect(events.at(-1)).toMatchObject({ type: 'deployment.finished', status: 'failed' });
    });

    it('a dropped connection puts the step back to pending; the retried phase job resumes at that step', async () => {
      sessions.failNext('echo three', 'connection-lost');
      const created = await deploy('sequence');
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('succeeded');
      expect(sessions.runs.map((run) => run.script)).toEqual(['echo one', 'echo two', 'echo three', 'echo four']);
      const steps = await stepsByKey(t.db.prisma, created.id);
      // The interrupted attempt counts: the step ran to an end on its second.
      expect([...steps.values()].map((s) => [s.stepKey, s.attempt])).toEqual([
        ['p-s1', 1],
        ['p-s2', 1],
        ['p-s3', 2],
        ['p-s4', 1],
      ]);
    });

    it("records real durations, and a retried step's duration is its own attempt's", async () => {
      const created = await deploy('timed');
      const failed = await finished(t.db.prisma, created.id);
      expect(failed.status).toBe('failed');
      const first = (await stepsByKey(t.db.prisma, created.id)).get('t-s2')!;
      expect(first.durationMs).toBeGreaterThanOrEqual(1000);

      await t.app.get(DeploymentsService).retry(created.id, 'engine-test');
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('succeeded');
      const steps = await stepsByKey(t.db.prisma, created.id);
      expect(steps.get('t-s1')!.durationMs).toBeGreaterThanOrEqual(200);
      const retried = steps.get('t-s2')!;
      expect(retried.attempt).toBe(2);
      expect(retried.durationMs).toBeGreaterThanOrEqual(200);
      // Measured from this attempt's start, which came after the first attempt ended.
      expect(retried.startedAt!.getTime()).toBeGreaterThanOrEqual(first.finishedAt!.getTime());
      expect(retried.durationMs).toBe(retried.finishedAt!.getTime() - retried.startedAt!.getTime());
    });
  });

  describe("a step's evidence in the ledger", () => {
    const table = (content: string) => ({
      kind: 'verification_table' as const,
      name: 'openstack user list',
      language: null,
      content,
      data: { columns: ['Name'], rows: [{ Name: content }] },
    });
    const result = { status: 'ok' as const, exitCode: 0, guard: null, command: 'openstack user list', stdout: 'admin\n', stderr: '' };

    it('is written with the result, once even when the same result is written again, and replaced when the step runs again', async () => {
      const done = await finished(t.db.prisma, (await deploy('sequence')).id);
      const step = (await stepsByKey(t.db.prisma, done.id)).get('p-s2')!;
      const ledger = t.app.get(LedgerRepository);
      const evidence = () =>
        t.db.prisma.artifact.findMany({
          where: { stepRunId: step.id },
          select: { kind: true, name: true, content: true, data: true, phaseKey: true, node: true },
        });

      // The result written twice (the first commit's answer lost in an outage): one copy of its evidence.
      await ledger.finishStep(step, result, [table('admin')], 'p');
      const { finished: written } = await ledger.finishStep(step, result, [table('admin')], 'p');
      expect(written).toMatchObject({ id: step.id, status: 'ok', command: 'openstack user list', stdout: 'admin\n' });
      expect(await evidence()).toEqual([
        {
          kind: 'verification_table',
          name: 'openstack user list',
          content: 'admin',
          data: { columns: ['Name'], rows: [{ Name: 'admin' }] },
          phaseKey: 'p',
          node: step.node,
        },
      ]);

      // Run again (a second attempt) with no evidence this time: the first attempt's goes.
      await ledger.finishStep({ ...step, attempt: 2 }, result, [], 'p');
      expect(await evidence()).toEqual([]);
      // A step run that is gone writes nothing and says so.
      await expect(ledger.finishStep({ ...step, id: 'no-such-step' }, result, [table('x')], 'p')).rejects.toThrow(
        /is gone; its result was not recorded/,
      );
      expect(await t.db.prisma.artifact.count({ where: { stepRunId: 'no-such-step' } })).toBe(0);
    });
  });

  describe('the coordinator', () => {
    it('starts a phase only when its dependencies succeeded and runs independent phases side by side', async () => {
      const started: string[] = [];
      let release: (() => void) | undefined;
      const bothRunning = new Promise<void>((resolve) => (release = resolve));
      sessions.beforeRun = async (_node, script) => {
        const phase = /echo (\w) >>/.exec(script)?.[1];
        if (!phase) return;
        started.push(phase);
        // b and c wait for each other: run one after the other they would never both get here.
        if (phase === 'b' || phase === 'c') {
          if (started.includes('b') && started.includes('c')) release?.();
          await bothRunning;
        }
      };
      const created = await deploy('diamond');
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('succeeded');
      expect(started[0]).toBe('a');
      expect(started.slice(1, 3).sort()).toEqual(['b', 'c']);
      expect(started[3]).toBe('d');
      const phases = await t.db.prisma.phaseRun.findMany({ where: { deploymentId: created.id }, orderBy: { position: 'asc' } });
      const d = phases.find((p) => p.phaseKey === 'd')!;
      for (const dependency of phases.filter((p) => p.phaseKey === 'b' || p.phaseKey === 'c')) {
        expect(d.startedAt!.getTime()).toBeGreaterThanOrEqual(dependency.finishedAt!.getTime());
      }
    });

    it("judges a phase abandoned by PostgreSQL's clock, not by the clocks of the worker machines", async () => {
      // A running phase whose job Redis no longer has (never had): only its heartbeat tells whether a worker still runs it.
      const environment = await t.db.prisma.environment.findUniqueOrThrow({ where: { name: 'local' } });
      const deployment = await t.db.prisma.deployment.create({
        data: {
          environmentId: environment.id,
          runbookKey: 'sequence',
          runbookVersion: '1',
          phases: ['p'],
          trigger: 'api',
          requester: 'engine-test',
        },
      });
      const phase = await t.db.prisma.phaseRun.create({
        data: { deploymentId: deployment.id, phaseKey: 'p', position: 0, status: 'running' },
      });
      const ledger = t.app.get(LedgerRepository);
      const coordinator = t.app.get(DeploymentCoordinator);
      const hour = 3_600_000;
      try {
        // The worker beats with its clock an hour behind; the reconciler, on time, still sees a live phase.
        await withClockOff(-hour, () => ledger.startPhase(phase));
        expect(await coordinator.abandoned(deployment.id, phase)).toBe(false);
        // A reconciler an hour ahead does too.
        expect(await withClockOff(hour, () => coordinator.abandoned(deployment.id, phase))).toBe(false);

        // Silent for twice JOB_LOCK_MS: abandoned, even for a reconciler whose clock is an hour behind.
        await t.db.prisma
          .$executeRaw`UPDATE "PhaseRun" SET "heartbeatAt" = now() AT TIME ZONE 'UTC' - interval '10 seconds' WHERE id = ${phase.id}`;
        expect(await withClockOff(-hour, () => coordinator.abandoned(deployment.id, phase))).toBe(true);
      } finally {
        await t.db.prisma.deployment.delete({ where: { id: deployment.id } });
      }
    });

    it('cancelling a running deployment stops its step, closes it and frees the environment', async () => {
      let hold: (() => void) | undefined;
      let stepRunning: () => void = () => undefined;
      const running = new Promise<void>((resolve) => (stepRunning = resolve));
      sessions.beforeRun = () =>
        new Promise<void>((resolve) => {
          hold = resolve;
          stepRunning();
        });
      const created = await deploy('sequence');
      // Cancelled while its first step runs (held before its command), not before the step began:
      // a hold set up after the cancel would never be let go.
      await running;
      await t.app.get(DeploymentsService).cancel(created.id, 'engine-test');
      hold?.();
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('cancelled');
      expect(done.activeEnvironmentId).toBeNull();
      sessions.beforeRun = undefined;
      const next = await deploy('sequence');
      expect((await finished(t.db.prisma, next.id)).status).toBe('succeeded');
    });
  });
});

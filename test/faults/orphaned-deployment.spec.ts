import { randomBytes } from 'node:crypto';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { deleteRedisPrefix, eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile, stepsByKey } from '../engine/support/engine-fixtures.js';
import { ensureWorkerBuilt, type WorkerProcess, WorkerProcesses } from '../engine/support/worker-process.js';

const LOG = '/var/tmp/orphan.log';
// Each step appends its name on the host first, so the host shows how often each one really ran.
const runbook = commandRunbook('orphan', [
  { key: 'work', steps: [`echo w1 >> ${LOG}`, `echo w2 >> ${LOG}`, `echo w3 >> ${LOG}; sleep 2`, `echo w4 >> ${LOG}`] },
  { key: 'after', dependsOn: ['work'], steps: [`echo a1 >> ${LOG}`] },
]);
// Short leases so the test takes seconds: a phase nobody touched for 2 s is orphaned.
const WORKER_ENV = { JOB_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '500' };

const secretKey = randomBytes(32).toString('hex');
let lab: Lab;
let t: TestApp;
let workers: WorkerProcesses;

beforeAll(async () => {
  await ensureWorkerBuilt();
  lab = await startLab({ computeNodes: 1 });
  // API only: phases run in worker processes the test kills.
  t = await startTestApp({ runWorkers: false, catalog: new Map([[runbook.key, runbook]]), env: { OPSPRINT_SECRET_KEY: secretKey } });
  workers = new WorkerProcesses(t, secretKey, [runbook]);
}, 120_000);
// Every worker of a test is gone before the next one starts, so a kill always orphans the phase.
const started: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => workers.kill(worker, 'SIGTERM')));
});
afterAll(async () => {
  await workers?.stopAll();
  await t?.close();
  await lab?.stop();
});

/** Starts a deployment on `environment`, kills its worker with SIGKILL inside step w3, then loses Redis's data. */
async function orphanMidPhase(environment: string): Promise<string> {
  await lab.hosts.get(CONTROLLER)!.fs.rm(LOG, { force: true });
  await createLabEnvironment(t, lab, { name: environment });
  // The only worker alive, so the one killed is the one running the phase.
  const worker = await workers.start(WORKER_ENV);
  started.push(worker);
  const created = await t.app.get(DeploymentsService).create({ environment, runbook: runbook.key, trigger: 'api', requester: 'test' });
  await eventually(
    async () => {
      const steps = await stepsByKey(t.db.prisma, created.id);
      return steps.get('work-s3')?.status === 'running' && (await readLabFile(lab, CONTROLLER, LOG)).includes('w3') ? true : undefined;
    },
    30_000,
    25,
  );
  await workers.kill(worker, 'SIGKILL');
  // Redis restarted without its data: every key of this installation is gone.
  await deleteRedisPrefix(t.runtime.config.app.QUEUE_PREFIX);
  return created.id;
}

describe('a deployment orphaned by kill -9 and Redis losing its data', () => {
  it('is queued again by the reconciler and finishes on the lab node, no finished step run twice', async () => {
    const id = await orphanMidPhase('orphan');
    const worker = await workers.start(WORKER_ENV);
    started.push(worker);
    const done = await finished(t.db.prisma, id, 60_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });

    const steps = await stepsByKey(t.db.prisma, id);
    expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
      ['work-s1', 'changed', 1],
      ['work-s2', 'changed', 1],
      // Interrupted by the kill: run again (its guard decides), like any step a dead worker left running.
      ['work-s3', 'changed', 2],
      ['work-s4', 'changed', 1],
      ['after-s1', 'changed', 1],
    ]);
    expect((await readLabFile(lab, CONTROLLER, LOG)).trim().split('\n')).toEqual(['w1', 'w2', 'w3', 'w3', 'w4', 'a1']);
    const reconciled = await t.db.prisma.auditEvent.findMany({ where: { action: 'deployment.reconcile', target: id } });
    expect(reconciled.map((e) => (e.detail as { phaseKey: string; action: string }).phaseKey)).toEqual(['work']);
  }, 120_000);

  it('frees its environment when cancelled, although no job and no worker is left to stop it', async () => {
    const id = await orphanMidPhase('cancel-orphan');
    const worker = await workers.start(WORKER_ENV);
    started.push(worker);
    await t.app.get(DeploymentsService).cancel(id, 'operator');
    const done = await finished(t.db.prisma, id, 30_000);
    expect(done.status).toBe('cancelled');
    const steps = await stepsByKey(t.db.prisma, id);
    expect([...steps.values()].map((s) => s.status)).toEqual(['changed', 'changed', 'cancelled', 'pending', 'pending']);
    // The environment is free: the next deployment is accepted (not 409) and runs.
    const next = await t.app
      .get(DeploymentsService)
      .create({ environment: 'cancel-orphan', runbook: runbook.key, trigger: 'api', requester: 'test' });
    expect((await finished(t.db.prisma, next.id, 60_000)).status).toBe('succeeded');
  }, 120_000);
});

import { randomBytes } from 'node:crypto';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile, stepsByKey } from './support/engine-fixtures.js';
import { ensureWorkerBuilt, WorkerProcesses } from './support/worker-process.js';

const RESUME_LOG = '/var/tmp/resume.log';
const SHARED_LOG = '/var/tmp/shared.log';
// Every step appends a line first, so the lab host shows how often each one really ran. The tests
// wait for step 3's line (an event) and then stop its worker: its 3 s are the window in which the
// signal lands while the step runs (a graceful stop must let it finish), not a wait of the test.
const resume = commandRunbook('resume', [
  {
    key: 'slow',
    steps: [1, 2, 3, 4, 5, 6].map((n) => `echo s${n} >> ${RESUME_LOG}${n === 3 ? '; sleep 3' : ''}`),
  },
]);
// The first step of each phase waits on the host until two phases run at once (up to ~20 s): with
// one job per worker, that takes both workers, so the phases cannot all end up with one of them.
const STARTED_DIR = '/var/tmp/started';
const independent = commandRunbook(
  'independent',
  ['p1', 'p2', 'p3', 'p4'].map((key) => ({
    key,
    steps: [
      `echo ${key}-s1 >> ${SHARED_LOG}; mkdir -p ${STARTED_DIR}; touch ${STARTED_DIR}/${key}; ` +
        `for _ in $(seq 100); do [ "$(ls ${STARTED_DIR} | wc -l)" -ge 2 ] && break; sleep 0.2; done; [ "$(ls ${STARTED_DIR} | wc -l)" -ge 2 ]`,
      `echo ${key}-s2 >> ${SHARED_LOG}`,
    ],
  })),
);

const secretKey = randomBytes(32).toString('hex');
let lab: Lab;
let t: TestApp;
let workers: WorkerProcesses;

beforeAll(async () => {
  await ensureWorkerBuilt();
  lab = await startLab({ computeNodes: 1 });
  // API only: every phase runs in the separate worker processes.
  t = await startTestApp({
    runWorkers: false,
    catalog: new Map([resume, independent].map((rb) => [rb.key, rb])),
    env: { OPSPRINT_SECRET_KEY: secretKey },
  });
  workers = new WorkerProcesses(t, secretKey, [resume, independent]);
  await createLabEnvironment(t, lab);
}, 120_000);
afterAll(async () => {
  await workers?.stopAll();
  await t?.close();
  await lab?.stop();
});

describe('separate worker processes', () => {
  it('resume a phase whose worker was killed mid-step, without running finished steps again', async () => {
    const first = await workers.start({ JOB_LOCK_MS: '3000' });
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: resume.key, trigger: 'api', requester: 'test' });

    // Step 3 has reached the host (its line is there) and steps 1–2 are recorded done.
    await eventually(
      async () => {
        const steps = await stepsByKey(t.db.prisma, created.id);
        const log = await readLabFile(lab, CONTROLLER, RESUME_LOG);
        return steps.get('slow-s2')?.status === 'changed' && steps.get('slow-s3')?.status === 'running' && log.includes('s3')
          ? true
          : undefined;
      },
      30_000,
      25,
    );
    await workers.kill(first, 'SIGKILL');

    const second = await workers.start({ JOB_LOCK_MS: '3000' });
    const done = await finished(t.db.prisma, created.id, 60_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });

    const steps = await stepsByKey(t.db.prisma, created.id);
    expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
      ['slow-s1', 'changed', 1],
      ['slow-s2', 'changed', 1],
      ['slow-s3', 'changed', 2],
      ['slow-s4', 'changed', 1],
      ['slow-s5', 'changed', 1],
      ['slow-s6', 'changed', 1],
    ]);
    // Steps 1–2 touched the host once; step 3 was started by both workers.
    expect((await readLabFile(lab, CONTROLLER, RESUME_LOG)).trim().split('\n')).toEqual(['s1', 's2', 's3', 's3', 's4', 's5', 's6']);
    await workers.kill(second, 'SIGTERM');
  }, 90_000);

  it('hand a phase back on graceful shutdown after the running step, and another worker continues with the next one', async () => {
    await lab.hosts.get(CONTROLLER)!.fs.rm(RESUME_LOG, { force: true });
    await createLabEnvironment(t, lab, { name: 'graceful' });
    const first = await workers.start({ JOB_LOCK_MS: '3000' });
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'graceful', runbook: resume.key, trigger: 'api', requester: 'test' });
    await eventually(
      async () => {
        const log = await readLabFile(lab, CONTROLLER, RESUME_LOG);
        return (await stepsByKey(t.db.prisma, created.id)).get('slow-s3')?.status === 'running' && log.includes('s3') ? true : undefined;
      },
      30_000,
      25,
    );
    await workers.kill(first, 'SIGTERM');
    // It stopped after finishing step 3 and started nothing more.
    const handedBack = await stepsByKey(t.db.prisma, created.id);
    expect([...handedBack.values()].map((s) => [s.stepKey, s.status])).toEqual([
      ['slow-s1', 'changed'],
      ['slow-s2', 'changed'],
      ['slow-s3', 'changed'],
      ['slow-s4', 'pending'],
      ['slow-s5', 'pending'],
      ['slow-s6', 'pending'],
    ]);

    const second = await workers.start({ JOB_LOCK_MS: '3000' });
    const done = await finished(t.db.prisma, created.id, 60_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    const steps = await stepsByKey(t.db.prisma, created.id);
    expect([...steps.values()].filter((s) => s.status !== 'changed' || s.attempt !== 1)).toEqual([]);
    expect((await readLabFile(lab, CONTROLLER, RESUME_LOG)).trim().split('\n')).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
    await workers.kill(second, 'SIGTERM');
  }, 90_000);

  it('stop a step hanging in another process when the API cancels the deployment', async () => {
    await createLabEnvironment(t, lab, { name: 'cancel' });
    const worker = await workers.start();
    const hang = lab.faults.hangCommand('s3', { node: CONTROLLER });
    try {
      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'cancel', runbook: resume.key, trigger: 'api', requester: 'test' });
      await hang.matched(); // the command reached the node and hangs there
      await t.app.get(DeploymentsService).cancel(created.id, 'operator');
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('cancelled');
      const steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => s.status)).toEqual(['changed', 'changed', 'cancelled', 'pending', 'pending', 'pending']);
      // Stopped by the cancel that reached the other process (the command would hang forever), not by the step timeout.
      expect(steps.get('slow-s3')!.stderr).toMatch(/step cancelled on /);
      expect(steps.get('slow-s3')!.stderr).not.toMatch(/timed out/);
    } finally {
      hang.remove();
      await workers.kill(worker, 'SIGTERM');
    }
  }, 60_000);

  it('share the phases of one deployment, each phase run once', async () => {
    const [a, b] = await Promise.all([workers.start({ WORKER_CONCURRENCY: '1' }), workers.start({ WORKER_CONCURRENCY: '1' })]);
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: independent.key, trigger: 'api', requester: 'test' });
    const done = await finished(t.db.prisma, created.id, 60_000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });

    const steps = await stepsByKey(t.db.prisma, created.id);
    expect([...steps.values()].filter((s) => s.status !== 'changed' || s.attempt !== 1)).toEqual([]);
    const lines = (await readLabFile(lab, CONTROLLER, SHARED_LOG)).trim().split('\n');
    expect(lines.sort()).toEqual(['p1-s1', 'p1-s2', 'p2-s1', 'p2-s2', 'p3-s1', 'p3-s2', 'p4-s1', 'p4-s2']);

    type PhaseJob = { deploymentId: string; phaseKey: string };
    // The ledger says succeeded once the last step is written; BullMQ marks that phase's job
    // completed a moment later, when the processor has returned.
    const jobs = await eventually(async () => {
      const completed = (await t.app.get(JobQueue).jobs('deployments', ['completed'])).filter(
        (job) => (job.data as PhaseJob).deploymentId === created.id,
      );
      return completed.length >= 4 ? completed : undefined;
    }, 10_000);
    expect(jobs.map((job) => (job.data as PhaseJob).phaseKey).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    const ranBy = new Set(jobs.map((job) => Number(job.processedBy?.split(':').pop())));
    expect([...ranBy].sort()).toEqual([a.pid, b.pid].sort());
  }, 90_000);
});

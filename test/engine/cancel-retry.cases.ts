import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile, stepsByKey } from './support/engine-fixtures.js';

describe('cancel-retry', () => {
  const CANCEL_LOG = '/var/tmp/cancel.log';
  const RETRY_LOG = '/var/tmp/retry.log';
  const cancellable = commandRunbook('cancellable', [
    { key: 'work', steps: [`echo w1 >> ${CANCEL_LOG}`, `echo w2 >> ${CANCEL_LOG} # waits-forever`, `echo w3 >> ${CANCEL_LOG}`] },
    { key: 'after', dependsOn: ['work'], steps: [`echo after >> ${CANCEL_LOG}`] },
  ]);
  const retryable = commandRunbook('retryable', [
    { key: 'setup', steps: [`echo r1 >> ${RETRY_LOG}`, `echo r2 >> ${RETRY_LOG} # flaky-step`, `echo r3 >> ${RETRY_LOG}`] },
    { key: 'dependant', dependsOn: ['setup'], steps: [`echo dep >> ${RETRY_LOG}`] },
  ]);

  let lab: Lab;
  let t: TestApp;
  let deployments: DeploymentsService;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    t = await startTestApp({ catalog: new Map([cancellable, retryable].map((rb) => [rb.key, rb])) });
    deployments = t.app.get(DeploymentsService);
    await createLabEnvironment(t, lab, { name: 'cancel-lab' });
    await createLabEnvironment(t, lab, { name: 'retry-lab' });
  });
  afterAll(async () => {
    await t?.close();
    await lab?.stop();
  });

  async function phaseRuns(deploymentId: string) {
    const rows = await t.db.prisma.phaseRun.findMany({ where: { deploymentId }, orderBy: { position: 'asc' } });
    return new Map(rows.map((row) => [row.phaseKey, row]));
  }

  describe('cancelling a deployment', () => {
    it('stops the hanging step within seconds, starts nothing later, frees the environment and can be resumed later', async () => {
      const hang = lab.faults.hangCommand('waits-forever', { node: CONTROLLER });
      const created = await deployments.create({ environment: 'cancel-lab', runbook: cancellable.key, trigger: 'api', requester: 'test' });
      await hang.matched(); // the command reached the node and hangs there

      await deployments.cancel(created.id, 'operator');
      const done = await finished(t.db.prisma, created.id);
      expect(done.status).toBe('cancelled');
      hang.remove();

      const steps = await stepsByKey(t.db.prisma, created.id);
      // Stopped by the cancel (the command would hang forever), not by the step timeout.
      expect(steps.get('work-s2')!.stderr).toMatch(/step cancelled on /);
      expect(steps.get('work-s2')!.stderr).not.toMatch(/timed out/);
      expect([...steps.values()].map((s) => [s.stepKey, s.status])).toEqual([
        ['work-s1', 'changed'],
        ['work-s2', 'cancelled'],
        ['work-s3', 'pending'],
        ['after-s1', 'pending'],
      ]);
      const phases = await phaseRuns(created.id);
      expect(phases.get('work')!.status).toBe('cancelled');
      expect({ status: phases.get('after')!.status, startedAt: phases.get('after')!.startedAt }).toEqual({
        status: 'cancelled',
        startedAt: null,
      });
      expect(await readLabFile(lab, CONTROLLER, CANCEL_LOG)).toBe('w1\n');

      // The environment is free again: a new deployment is accepted and runs to the end.
      const next = await deployments.create({ environment: 'cancel-lab', runbook: cancellable.key, trigger: 'api', requester: 'test' });
      expect((await finished(t.db.prisma, next.id)).status).toBe('succeeded');

      // The cancelled deployment can still be resumed: it reruns the cancelled step, not the one done before.
      await deployments.retry(created.id, 'operator');
      const resumed = await finished(t.db.prisma, created.id);
      expect({ status: resumed.status, error: resumed.error }).toEqual({ status: 'succeeded', error: null });
      const after = await stepsByKey(t.db.prisma, created.id);
      expect([...after.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
        ['work-s1', 'changed', 1],
        ['work-s2', 'changed', 2],
        ['work-s3', 'changed', 1],
        ['after-s1', 'changed', 1],
      ]);
    });
  });

  describe('retrying a failed deployment', () => {
    it('reports the failing step, then resumes from it without rerunning the steps that passed', async () => {
      lab.faults.failCommand('flaky-step', { node: CONTROLLER, exitCode: 7, stderr: 'No space left on device\n', times: 1 });
      const created = await deployments.create({ environment: 'retry-lab', runbook: retryable.key, trigger: 'api', requester: 'test' });
      const failed = await finished(t.db.prisma, created.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('setup-s2');
      expect(failed.error).toContain(CONTROLLER);
      expect(failed.error).toContain('exit code 7');

      let steps = await stepsByKey(t.db.prisma, created.id);
      expect(steps.get('setup-s2')).toMatchObject({ status: 'failed', exitCode: 7, attempt: 1 });
      expect(steps.get('setup-s2')!.stderr).toContain('No space left on device');
      expect(steps.get('setup-s3')).toMatchObject({ status: 'pending', startedAt: null });
      expect(steps.get('dependant-s1')).toMatchObject({ status: 'pending', startedAt: null });
      expect((await phaseRuns(created.id)).get('dependant')!.startedAt).toBeNull();
      expect(await readLabFile(lab, CONTROLLER, RETRY_LOG)).toBe('r1\n');

      await deployments.retry(created.id, 'operator');
      const retried = await finished(t.db.prisma, created.id);
      expect({ status: retried.status, error: retried.error }).toEqual({ status: 'succeeded', error: null });
      steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
        ['setup-s1', 'changed', 1],
        ['setup-s2', 'changed', 2],
        ['setup-s3', 'changed', 1],
        ['dependant-s1', 'changed', 1],
      ]);
      expect(await readLabFile(lab, CONTROLLER, RETRY_LOG)).toBe('r1\nr2\nr3\ndep\n');
    });
  });
});

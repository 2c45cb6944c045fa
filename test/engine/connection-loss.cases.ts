import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile, stepsByKey } from './support/engine-fixtures.js';

describe('connection-loss', () => {
  const LOG = '/var/tmp/dropped.log';
  const runbook = commandRunbook('dropped', [
    { key: 'work', steps: [`echo d1 >> ${LOG}`, `echo d2 >> ${LOG} # cut-here`, `echo d3 >> ${LOG}`] },
  ]);

  let lab: Lab;
  let t: TestApp;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    t = await startTestApp({ catalog: new Map([[runbook.key, runbook]]) });
    await createLabEnvironment(t, lab);
  });
  afterAll(async () => {
    await t?.close();
    await lab?.stop();
  });

  describe('a dropped SSH connection', () => {
    it('is retried: the phase resumes at the interrupted step and the deployment succeeds', async () => {
      lab.faults.dropConnection(CONTROLLER, { pattern: 'cut-here' });
      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'lab', runbook: runbook.key, trigger: 'api', requester: 'test' });
      const done = await finished(t.db.prisma, created.id, 30_000);
      expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });

      const steps = await stepsByKey(t.db.prisma, created.id);
      expect([...steps.values()].map((s) => [s.stepKey, s.status, s.attempt])).toEqual([
        ['work-s1', 'changed', 1],
        ['work-s2', 'changed', 2],
        ['work-s3', 'changed', 1],
      ]);
      // The cut came before the command ran, so each line is there once.
      expect(await readLabFile(lab, CONTROLLER, LOG)).toBe('d1\nd2\nd3\n');
    });
  });
});

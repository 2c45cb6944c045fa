import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, createLabEnvironment, finished, stepsByKey } from './support/engine-fixtures.js';

/**
 * b and c each wait on the host for the other to have started (up to ~20 s): run side by side they
 * meet at once; run one after the other, the first waits in vain, fails, and so does the deployment.
 */
const meet = (self: string, other: string) =>
  `echo ${self} >> /var/tmp/diamond.log; touch /var/tmp/${self}.started; i=0; ` +
  `while [ ! -e /var/tmp/${other}.started ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done; [ -e /var/tmp/${other}.started ]`;

// A diamond: b and c wait for a, d waits for both; b and c are independent of each other.
const diamond = commandRunbook('diamond', [
  { key: 'a', steps: ['echo a >> /var/tmp/diamond.log'] },
  { key: 'b', dependsOn: ['a'], steps: [meet('b', 'c')] },
  { key: 'c', dependsOn: ['a'], steps: [meet('c', 'b')] },
  { key: 'd', dependsOn: ['b', 'c'], steps: ['echo d >> /var/tmp/diamond.log'] },
]);

let lab: Lab;
let t: TestApp;

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
  t = await startTestApp({ catalog: new Map([[diamond.key, diamond]]) });
  await createLabEnvironment(t, lab);
});
afterAll(async () => {
  await t?.close();
  await lab?.stop();
});

describe('the phase DAG', () => {
  it('starts a phase only after its dependencies finished, and runs independent phases side by side', async () => {
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: diamond.key, trigger: 'api', requester: 'test' });
    const done = await finished(t.db.prisma, created.id);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });

    const steps = await stepsByKey(t.db.prisma, created.id);
    const [a, b, c, d] = ['a-s1', 'b-s1', 'c-s1', 'd-s1'].map((key) => {
      const row = steps.get(key)!;
      return { start: row.startedAt!.getTime(), end: row.finishedAt!.getTime() };
    });
    expect(b.start).toBeGreaterThanOrEqual(a.end);
    expect(c.start).toBeGreaterThanOrEqual(a.end);
    expect(d.start).toBeGreaterThanOrEqual(Math.max(b.end, c.end));
    // That b and c ran side by side is proved by their meeting (above: both succeeded).

    const phases = await t.db.prisma.phaseRun.findMany({ where: { deploymentId: created.id }, orderBy: { position: 'asc' } });
    expect(phases.map((p) => [p.phaseKey, p.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'succeeded'],
      ['c', 'succeeded'],
      ['d', 'succeeded'],
    ]);
  });
});

import type { StepRunRecord as StepRun } from '../../src/persistence/records.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createLabEnvironment, finished } from './support/engine-fixtures.js';
import { expectFullDeployment } from './support/full-deployment.js';
import { snapshotHosts } from './support/host-snapshot.js';

let lab: Lab;
let t: TestApp;

/**
 * The whole runbook logged in as root with three compute nodes; the same with a sudo user is
 * test/engine/full-deployment.spec.ts.
 */
beforeAll(async () => {
  // The first instance is ACTIVE when booted: full-deployment.spec waits for it like on a real cloud.
  lab = await startLab({ computeNodes: 3, instanceBuildMs: 0 });
  t = await startTestApp();
  await createLabEnvironment(t, lab);
});
afterAll(async () => {
  await t?.close();
  await lab?.stop();
});

/** Runs the whole OpenStack Liberty runbook and returns the finished deployment with its step ledger. */
async function deploy(dryRun: boolean) {
  const created = await t.app.get(DeploymentsService).create({ environment: 'lab', dryRun, trigger: 'api', requester: 'test' });
  const done = await finished(t.db.prisma, created.id, 300_000);
  const steps = await t.db.prisma.stepRun.findMany({ where: { deploymentId: created.id } });
  return { done, steps };
}

const describeStep = (s: StepRun) => `${s.node} ${s.stepKey} ${s.status}\n${s.command}\n${s.stdout}\n${s.stderr}`;

// One lab through four deployments, in order: each test starts from the state the previous one left.
describe('the full runbook in check mode and run twice', () => {
  it('a dry run on fresh hosts succeeds, reports what it would change and changes nothing', async () => {
    const before = await snapshotHosts(lab);
    const { done, steps } = await deploy(true);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    expect(steps.filter((s) => s.status !== 'would_change' && s.status !== 'ok').map(describeStep)).toEqual([]);
    // Fresh hosts: most of the runbook has something to do.
    expect(steps.filter((s) => s.status === 'would_change').length).toBeGreaterThan(steps.length / 2);
    expect(await snapshotHosts(lab)).toEqual(before);
  }, 360_000);

  it('a real deployment then succeeds, and a dry run after it finds nothing left to change', async () => {
    const fresh = await snapshotHosts(lab);
    const real = await deploy(false);
    expect(lab.nodes.map((n) => n.ssh.user)).toEqual(['root', 'root', 'root', 'root']);
    expectFullDeployment(lab, real.done, real.steps);

    const before = await snapshotHosts(lab);
    // The snapshot sees what a deployment changes (so its equality after a dry run means something).
    expect(before).not.toEqual(fresh);
    const { done, steps } = await deploy(true);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    // Check mode runs the verifications too (read-only): on a deployed cloud every step is ok.
    expect(steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
    expect(steps.filter((s) => s.kind === 'verify').length).toBeGreaterThan(20);
    expect(await snapshotHosts(lab)).toEqual(before);
  }, 360_000);

  it('a second real deployment reports every step ok: nothing changed', async () => {
    const { done, steps } = await deploy(false);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    expect(steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
  }, 360_000);
});

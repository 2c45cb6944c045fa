import type { StepRun } from '@prisma/client';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createLabEnvironment, finished } from './support/engine-fixtures.js';

const describeStep = (s: StepRun) => `${s.node} ${s.stepKey} ${s.status} ${s.exitCode}\n${s.command}\n${s.stdout}\n${s.stderr}`;

/**
 * The whole OpenStack Liberty runbook on the strict lab (a minimal CentOS 7 per node, the CentOS
 * vault as repository), with one and with three compute nodes, logged in as root and as a cloud
 * image's `centos` user going through sudo: it succeeds, and a second run finds nothing to change.
 * (test/engine/dry-run-idempotence.spec.ts covers root with one compute node.)
 */
describe.each([
  { login: 'root', computes: 3 },
  { login: 'centos (NOPASSWD sudo)', computes: 1 },
  { login: 'centos (NOPASSWD sudo)', computes: 3 },
])('the full runbook as $login with $computes compute node(s)', ({ login, computes }) => {
  let lab: Lab;
  let t: TestApp;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: computes, ...(login === 'root' ? {} : { sudoUser: { name: 'centos', policy: 'nopasswd' } }) });
    t = await startTestApp();
    await createLabEnvironment(t, lab);
  });
  afterAll(async () => {
    await t?.close();
    await lab?.stop();
  });

  async function deploy() {
    const created = await t.app.get(DeploymentsService).create({ environment: 'lab', trigger: 'api', requester: 'test' });
    const done = await finished(t.db.prisma, created.id, 300_000);
    const steps = await t.db.prisma.stepRun.findMany({ where: { deploymentId: created.id } });
    return { done, steps };
  }

  it('runs every phase over SSH on every node and every verification passes', async () => {
    expect(lab.nodes.map((n) => n.ssh.user)).toEqual(Array(computes + 1).fill(login === 'root' ? 'root' : 'centos'));
    const { done, steps } = await deploy();
    expect({ error: done.error, failed: steps.filter((s) => !['ok', 'changed'].includes(s.status)).map(describeStep) }).toEqual({
      error: null,
      failed: [],
    });
    expect(done.status).toBe('succeeded');
    // Every compute node was configured and reports in.
    const computeNodes = lab.nodes.filter((n) => n.roles.includes('compute')).map((n) => n.name);
    for (const node of computeNodes)
      expect(steps.some((s) => s.node === node && s.stepKey === 'nova-conf' && s.status === 'changed')).toBe(true);

    // The Linux bridge agent moved the controller's address onto the provider bridge while the subnet
    // was created (the DHCP port), cutting the session: the executor reconnected and confirmed the subnet.
    const subnet = steps.find((s) => s.stepKey === 'subnet-create')!;
    expect({ status: subnet.status, attempt: subnet.attempt }).toEqual({ status: 'changed', attempt: 1 });
    expect(subnet.stdout).toContain("dropped while this ran; reconnected, and the step's probe confirms the change took effect");
    expect([...lab.hosts.get('linux-node1.example.com')!.bridges.values()]).toEqual([expect.stringMatching(/^brq[0-9a-f-]{11}$/)]);
  }, 360_000);

  it('a second run reports every step ok', async () => {
    const { done, steps } = await deploy();
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    expect(steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
  }, 360_000);
});

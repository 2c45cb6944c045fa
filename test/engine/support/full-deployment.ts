import type { Lab } from '../../../lab/nodes/lab.js';
import type { DeploymentRecord as Deployment, StepRunRecord as StepRun } from '../../../src/persistence/records.js';

const describeStep = (s: StepRun) => `${s.node} ${s.stepKey} ${s.status} ${s.exitCode}\n${s.command}\n${s.stdout}\n${s.stderr}`;

/**
 * What a first real run of the whole runbook on a fresh lab must show, whatever the login and the
 * number of compute nodes: it succeeded with every step ok or changed, every compute node was
 * configured, and the session cut by the Linux bridge agent during subnet-create was ridden out.
 */
export function expectFullDeployment(lab: Lab, done: Deployment, steps: StepRun[]): void {
  expect({ error: done.error, failed: steps.filter((s) => !['ok', 'changed'].includes(s.status)).map(describeStep) }).toEqual({
    error: null,
    failed: [],
  });
  expect(done.status).toBe('succeeded');
  // Every compute node was configured and reports in.
  const computeNodes = lab.nodes.filter((n) => n.roles.includes('compute')).map((n) => n.name);
  for (const node of computeNodes)
    expect({ node, configured: steps.some((s) => s.node === node && s.stepKey === 'nova-conf' && s.status === 'changed') }).toEqual({
      node,
      configured: true,
    });

  // The Linux bridge agent moved the controller's address onto the provider bridge while the subnet
  // was created (the DHCP port), cutting the session: the executor reconnected and confirmed the subnet.
  const subnet = steps.find((s) => s.stepKey === 'subnet-create')!;
  expect({ status: subnet.status, attempt: subnet.attempt }).toEqual({ status: 'changed', attempt: 1 });
  expect(subnet.stdout).toContain("dropped while this ran; reconnected, and the step's probe confirms the change took effect");
  expect([...lab.hosts.get('linux-node1.example.com')!.bridges.values()]).toEqual([expect.stringMatching(/^brq[0-9a-f-]{11}$/)]);
}

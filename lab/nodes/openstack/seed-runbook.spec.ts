/**
 * The contract between the runbook and the lab cloud: every planned step of the seed
 * runbook runs on two lab nodes, every verification passes against our tables, and a
 * second run finds nothing to change (guards see the state the first run left).
 */
import { InMemoryFs } from 'just-bash';
import { openstackLiberty } from '../../../src/runbooks/openstack-liberty/index.js';
import { exampleInventory } from '../../../src/runbooks/openstack-liberty/example-inventory.js';
import { checkExpectations, parseVerifyOutput } from '../../../src/runbooks/parse/index.js';
import { planDeployment } from '../../../src/runbooks/plan.js';
import { generateSecrets } from '../../../src/runbooks/secrets.js';
import type { PlannedStep } from '../../../src/runbooks/model.js';
import { provisionCentos } from '../centos-layout.js';
import { centosHostCommands } from '../commands/index.js';
import { CommandRegistry, LabHost } from '../lab-host.js';
import { PUBLIC_INTERNET } from '../lab-internet.js';
import { NodeShell } from '../node-shell.js';
import { attachHost, createCloud, registerOpenStackCommands } from './index.js';

type Outcome = 'ok' | 'changed' | 'verified' | `failed: ${string}`;

describe('the seed runbook on the lab cloud', () => {
  it('deploys all phases on a controller and a compute node, verifies every table, and changes nothing the second time', async () => {
    const cloud = createCloud({ buildDurationMs: 0 });
    const registry = new CommandRegistry();
    centosHostCommands(registry);
    registerOpenStackCommands(registry, cloud);
    const inventory = exampleInventory();
    inventory.network.imageChecksum = PUBLIC_INTERNET.checksumOf(inventory.network.imageUrl);
    const shells = new Map<string, NodeShell>();
    const hosts = new Map<string, LabHost>();
    for (const node of inventory.nodes) {
      const host = new LabHost(node.name, node.roles, node.managementIp, new InMemoryFs());
      await provisionCentos(host);
      attachHost(cloud, host);
      hosts.set(node.name, host);
      shells.set(node.name, new NodeShell(host, registry, cloud));
    }
    const channel = {
      node: 'runbook',
      closed: new Promise<void>(() => undefined),
      signal: new AbortController().signal,
      dropConnection: () => undefined,
    };
    const sh = (step: PlannedStep, script: string) => shells.get(step.node)!.run(script, { ...channel, node: step.node });

    async function apply(step: PlannedStep): Promise<Outcome> {
      if (step.guard && (await sh(step, step.guard)).exitCode === 0) return 'ok';
      if (step.file) {
        const fs = hosts.get(step.node)!.fs;
        await fs.mkdir(step.file.path.slice(0, step.file.path.lastIndexOf('/')) || '/', { recursive: true });
        await fs.writeFile(step.file.path, step.file.content);
      }
      const result = step.run ? await sh(step, step.run) : { exitCode: 0, stdout: '', stderr: '' };
      return result.exitCode === 0 ? 'changed' : `failed: ${step.run}\n${result.stdout}${result.stderr}`;
    }

    async function verify(step: PlannedStep): Promise<Outcome> {
      const result = await sh(step, step.run!);
      const check = checkExpectations(parseVerifyOutput(step.verify!.format, result.stdout), step.verify!.expect);
      return check.ok ? 'verified' : `failed: ${step.run}\n${check.failures.join('\n')}\n${result.stdout}${result.stderr}`;
    }

    const plan = planDeployment(openstackLiberty, inventory, generateSecrets());
    const run = async () => {
      const outcomes: Record<string, Outcome> = {};
      for (const { phase, steps } of plan.phases) {
        // Verifications look at what all nodes of the phase did, so they run once the changes are in.
        for (const step of steps.filter((s) => !s.verify)) outcomes[`${phase.key}/${step.node}/${step.key}`] = await apply(step);
        for (const step of steps.filter((s) => s.verify)) outcomes[`${phase.key}/${step.node}/${step.key}`] = await verify(step);
      }
      return outcomes;
    };

    const first = await run();
    expect(Object.entries(first).filter(([, outcome]) => outcome.startsWith('failed'))).toEqual([]);
    expect(Object.keys(first).some((key) => key.startsWith('first-instance/') && key.includes('verify-instance-active'))).toBe(true);
    const second = await run();
    expect(Object.entries(second).filter(([, outcome]) => outcome !== 'ok' && outcome !== 'verified')).toEqual([]);
  }, 120_000);
});

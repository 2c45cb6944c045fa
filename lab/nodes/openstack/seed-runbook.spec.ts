/**
 * The contract between the runbook and the lab cloud: every planned step of the seed runbook
 * runs on two lab nodes through the engine's own step runner (guards, uploads with owner and
 * mode, restarts, verifications with their retries), in the engine's wave order, every
 * verification passes against our tables, and a second run finds nothing to change. No SSH here:
 * the sessions talk to the nodes' shells directly (the SSH path is the engine suites' job).
 */
import { InMemoryFs } from 'just-bash';
import type { CommandResult, NodeSession, UploadOptions } from '../../../src/infra/ssh/executor.types.js';
import { uploadFile } from '../../../src/infra/ssh/remote-upload.js';
import { openstackLiberty } from '../../../src/runbooks/openstack-liberty/index.js';
import { exampleInventory } from '../../../src/runbooks/openstack-liberty/example-inventory.js';
import { planDeployment } from '../../../src/runbooks/plan.js';
import { generateSecrets } from '../../../src/runbooks/secrets.js';
import { executionWaves } from '../../../src/workers/execution-waves.js';
import { runPlannedStep } from '../../../src/workers/step-runner.js';
import { provisionCentos } from '../centos-layout.js';
import { centosHostCommands } from '../commands/index.js';
import { CommandRegistry, LabHost } from '../lab-host.js';
import { PUBLIC_INTERNET } from '../lab-internet.js';
import { NodeShell } from '../node-shell.js';
import { attachHost, createCloud, registerOpenStackCommands } from './index.js';

/** A lab node as the step runner sees one: scripts run in the node's shell as root, files land through the executor's own upload. */
class ShellSession implements NodeSession {
  constructor(
    readonly target: string,
    private readonly shell: NodeShell,
    private readonly host: LabHost,
  ) {}

  async run(script: string): Promise<CommandResult> {
    const channel = {
      node: this.target,
      closed: new Promise<void>(() => undefined),
      signal: new AbortController().signal,
      dropConnection: () => undefined,
    };
    const started = performance.now();
    const result = await this.shell.run(script, channel);
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, durationMs: performance.now() - started };
  }

  upload(path: string, content: string | Buffer, options: UploadOptions): Promise<{ backupPath?: string }> {
    return uploadFile(
      {
        node: this.target,
        isRoot: true,
        run: (script) => this.run(script),
        writeFile: (remote, data) => this.host.fs.writeFile(remote, data),
      },
      path,
      content,
      options,
    );
  }
}

describe('the seed runbook on the lab cloud', () => {
  it('deploys all phases on a controller and a compute node, verifies every table, and changes nothing the second time', async () => {
    const cloud = createCloud({ buildDurationMs: 0 });
    const registry = new CommandRegistry();
    centosHostCommands(registry);
    registerOpenStackCommands(registry, cloud);
    const inventory = exampleInventory();
    inventory.network.imageChecksum = PUBLIC_INTERNET.checksumOf(inventory.network.imageUrl);
    const sessions = new Map<string, ShellSession>();
    for (const node of inventory.nodes) {
      const host = new LabHost(node.name, node.roles, node.managementIp, new InMemoryFs());
      await provisionCentos(host);
      attachHost(cloud, host);
      sessions.set(node.name, new ShellSession(node.name, new NodeShell(host, registry, cloud), host));
    }

    const plan = planDeployment(openstackLiberty, inventory, generateSecrets());
    const run = async () => {
      const outcomes: Record<string, string> = {};
      for (const phasePlan of plan.phases) {
        for (const wave of executionWaves(phasePlan)) {
          await Promise.all(
            [...wave.entries()].map(async ([node, steps]) => {
              for (const step of steps) {
                const outcome = await runPlannedStep(step, sessions.get(node)!, { dryRun: false, sleep: async () => undefined });
                outcomes[`${phasePlan.phase.key}/${node}/${step.key}`] =
                  outcome.status === 'failed'
                    ? `failed: ${outcome.commands.join('\n')}\n${outcome.stdout}${outcome.stderr}`
                    : outcome.status;
                if (outcome.status === 'failed') return;
              }
            }),
          );
        }
      }
      return outcomes;
    };

    const first = await run();
    expect(Object.entries(first).filter(([, outcome]) => outcome.startsWith('failed'))).toEqual([]);
    expect(Object.keys(first).some((key) => key.startsWith('first-instance/') && key.includes('verify-instance-active'))).toBe(true);
    const second = await run();
    expect(Object.entries(second).filter(([, outcome]) => outcome !== 'ok')).toEqual([]);
  }, 120_000);
});

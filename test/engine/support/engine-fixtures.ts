import type { PrismaService } from '../../../src/persistence/prisma.service.js';
import type { DeploymentRecord as Deployment, StepRunRecord as StepRun } from '../../../src/persistence/records.js';
import { EnvironmentsService } from '../../../src/environments/environments.service.js';
import type { Lab } from '../../../lab/nodes/lab.js';
import type { Runbook } from '../../../src/runbooks/model.js';
import { labInventory } from '../../../lab/nodes/lab-inventory.js';
import { exampleInventory } from '../../../src/runbooks/openstack-liberty/example-inventory.js';
import { eventually, type TestApp } from '../../support/test-app.js';

export interface FixturePhase {
  key: string;
  dependsOn?: string[];
  /** Shell command lines, one step each, run on the controller. */
  steps: string[];
}

/** A small runbook of command steps (keys `<phase>-s1`, `<phase>-s2`…), for tests where the full runbook is too slow. */
export function commandRunbook(key: string, phases: FixturePhase[]): Runbook {
  return {
    key,
    version: '1.0.0',
    title: `fixture ${key}`,
    phases: phases.map((phase) => ({
      key: phase.key,
      title: `phase ${phase.key}`,
      goal: `run ${phase.key}`,
      dependsOn: phase.dependsOn ?? [],
      on: ['controller'],
      stories: [
        {
          key: `${phase.key}-story`,
          title: `story of ${phase.key}`,
          userStory: 'As an operator I want the fixture steps to run so that the engine is exercised',
          acceptanceCriteria: ['every step runs'],
          steps: phase.steps.map((run, i) => ({
            kind: 'command' as const,
            key: `${phase.key}-s${i + 1}`,
            title: `${phase.key} step ${i + 1}`,
            run,
          })),
        },
      ],
    })),
  };
}

/**
 * The example two-node inventory as environment `name`, for LocalSessionFactory runs: the steps
 * run in a local bash, so the SSH key is a placeholder nobody logs in with.
 */
export async function createLocalEnvironment(t: TestApp, name = 'local') {
  const inventory = exampleInventory({ environment: name });
  return t.app.get(EnvironmentsService).create({
    name,
    network: inventory.network,
    nodes: inventory.nodes,
    secrets: { SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot used by local sessions\n-----END OPENSSH PRIVATE KEY-----' },
  });
}

/** The example two-node inventory pointed at the lab's SSH ports, stored as environment `name`. */
export async function createLabEnvironment(
  t: TestApp,
  lab: Lab,
  options: { name?: string; trustOnFirstUse?: boolean; fingerprint?: (pinned: string | undefined) => string | undefined } = {},
) {
  const name = options.name ?? 'lab';
  const inventory = labInventory(lab, { environment: name });
  const pin = options.fingerprint;
  if (pin) for (const node of inventory.nodes) node.ssh.hostKeyFingerprint = pin(node.ssh.hostKeyFingerprint);
  return t.app.get(EnvironmentsService).create({
    name,
    network: inventory.network,
    nodes: inventory.nodes,
    trustOnFirstUse: options.trustOnFirstUse,
    secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! },
  });
}

export async function finished(db: PrismaService, id: string, timeoutMs = 60_000): Promise<Deployment> {
  return eventually(
    async () => {
      const d = await db.deployment.findUnique({ where: { id } });
      return d?.finishedAt ? d : undefined;
    },
    timeoutMs,
    100,
  );
}

/** The step ledger of a deployment, keyed by step key (fixtures run on one node). */
export async function stepsByKey(db: PrismaService, deploymentId: string): Promise<Map<string, StepRun>> {
  const rows = await db.stepRun.findMany({ where: { deploymentId }, orderBy: [{ phaseRun: { position: 'asc' } }, { position: 'asc' }] });
  return new Map(rows.map((row) => [row.stepKey, row]));
}

export async function readLabFile(lab: Lab, node: string, path: string): Promise<string> {
  const fs = lab.hosts.get(node)!.fs;
  return (await fs.exists(path)) ? fs.readFile(path) : '';
}

export const CONTROLLER = 'linux-node1.example.com';

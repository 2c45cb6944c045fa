import type { Inventory, Phase, PlannedStep, RenderContext, Secrets } from '../model.js';
import { renderStep } from '../plan-step.js';
import { generateSecrets } from '../secrets.js';
import { exampleInventory } from './example-inventory.js';

/**
 * An environment deliberately unlike the seed (other addresses, interfaces and region) so
 * that a value copied from the seed instead of taken from the inventory shows up in tests.
 */
export function otherInventory(): Inventory {
  const seed = exampleInventory({ environment: 'staging' });
  return {
    ...seed,
    nodes: [
      { ...seed.nodes[0], name: 'ctl01.cloud.test', managementIp: '10.20.0.11', providerInterface: 'ens3' },
      { ...seed.nodes[1], name: 'cmp01.cloud.test', managementIp: '10.20.0.21', providerInterface: 'ens4' },
      { ...seed.nodes[1], name: 'cmp02.cloud.test', managementIp: '10.20.0.22', providerInterface: 'ens5' },
    ],
    network: {
      ...seed.network,
      managementCidr: '10.20.0.0/24',
      timezone: 'Europe/Paris',
      region: 'RegionWest',
      provider: {
        name: 'public',
        physicalNetwork: 'physext',
        cidr: '172.24.4.0/24',
        gateway: '172.24.4.1',
        dns: '172.24.4.53',
        allocationStart: '172.24.4.100',
        allocationEnd: '172.24.4.150',
      },
    },
  };
}

export function contextFor(inventory: Inventory, secrets: Secrets, nodeName: string): RenderContext {
  const controller = inventory.nodes.find((node) => node.roles.includes('controller'));
  const node = inventory.nodes.find((candidate) => candidate.name === nodeName);
  if (!controller || !node) throw new Error(`no controller or no node ${nodeName} in the inventory`);
  return { inventory, secrets, controller, computes: inventory.nodes.filter((n) => n.roles.includes('compute')), node };
}

/** The steps of a phase rendered for one node, as the planner would (step.on overrides phase.on). */
export function renderPhaseFor(phase: Phase, ctx: RenderContext): PlannedStep[] {
  const steps: PlannedStep[] = [];
  for (const story of phase.stories) {
    for (const step of story.steps) {
      const roles = step.on ? [step.on] : phase.on;
      if (!ctx.node.roles.some((role) => roles.includes(role))) continue;
      steps.push(renderStep(step, ctx, { phaseKey: phase.key, storyKey: story.key, position: steps.length }));
    }
  }
  return steps;
}

export function freshSecrets(): Secrets {
  return generateSecrets();
}

import type { Phase, PhasePlan, PlannedStep } from '../runbooks/model.js';
import { executionWaves } from './execution-waves.js';

const command = (key: string, on?: 'controller' | 'compute') => ({
  kind: 'command' as const,
  key,
  title: key,
  run: 'true',
  ...(on ? { on } : {}),
});

/** A compute phase whose last story is verified from the controller, like the seed's nova-compute. */
const phase: Phase = {
  key: 'nova-compute',
  title: 'Nova compute',
  goal: 'compute nodes run instances',
  dependsOn: [],
  on: ['compute'],
  stories: [
    { key: 'install', title: 'install', userStory: '', acceptanceCriteria: [], steps: [command('packages'), command('config')] },
    { key: 'verify', title: 'verify', userStory: '', acceptanceCriteria: [], steps: [command('service-list', 'controller')] },
    { key: 'after', title: 'after', userStory: '', acceptanceCriteria: [], steps: [command('cleanup')] },
  ],
};

function planned(key: string, node: string, position: number): PlannedStep {
  return { phaseKey: phase.key, storyKey: 'x', key, position, node, kind: 'command', title: key, run: 'true' };
}

const plan: PhasePlan = {
  phase,
  nodes: ['compute-1', 'compute-2', 'controller'],
  steps: [
    planned('packages', 'compute-1', 0),
    planned('config', 'compute-1', 1),
    planned('packages', 'compute-2', 0),
    planned('config', 'compute-2', 1),
    planned('service-list', 'controller', 2),
    planned('cleanup', 'compute-1', 3),
    planned('cleanup', 'compute-2', 3),
  ],
};

const show = (waves: ReturnType<typeof executionWaves>) =>
  waves.map((wave) => Object.fromEntries([...wave.entries()].map(([node, steps]) => [node, steps.map((s) => s.key)])));

describe('executionWaves', () => {
  it('runs nodes side by side, and starts a new wave whenever the runbook switches roles', () => {
    expect(show(executionWaves(plan))).toEqual([
      { 'compute-1': ['packages', 'config'], 'compute-2': ['packages', 'config'] },
      { controller: ['service-list'] },
      { 'compute-1': ['cleanup'], 'compute-2': ['cleanup'] },
    ]);
  });

  it('keeps each node in step order whatever order the plan lists them in', () => {
    const shuffled = { ...plan, steps: [...plan.steps].reverse() };
    expect(show(executionWaves(shuffled))).toEqual(show(executionWaves(plan)));
  });

  it('drops waves with no step (a role with no node in this environment)', () => {
    const withoutController = { ...plan, steps: plan.steps.filter((s) => s.node !== 'controller') };
    expect(show(executionWaves(withoutController))).toEqual([
      { 'compute-1': ['packages', 'config'], 'compute-2': ['packages', 'config'] },
      { 'compute-1': ['cleanup'], 'compute-2': ['cleanup'] },
    ]);
  });
});

import type { PhasePlan, PlannedStep } from '../runbooks/model.js';

/**
 * The order a phase runs in. Steps run per node in parallel, but when the runbook switches to
 * other roles (a compute phase verified from the controller), everything before must be done
 * on every node first: each switch starts a new wave.
 */
export function executionWaves(plan: PhasePlan): Array<Map<string, PlannedStep[]>> {
  const waveOfStep = new Map<string, number>();
  let wave = -1;
  let previousRoles = '';
  for (const story of plan.phase.stories) {
    for (const step of story.steps) {
      const roles = (step.on ? [step.on] : plan.phase.on).join(',');
      if (roles !== previousRoles) {
        wave++;
        previousRoles = roles;
      }
      waveOfStep.set(step.key, wave);
    }
  }
  const waves: Array<Map<string, PlannedStep[]>> = [];
  const sorted = [...plan.steps].sort((a, b) => a.position - b.position);
  for (const step of sorted) {
    const index = waveOfStep.get(step.key) ?? 0;
    while (waves.length <= index) waves.push(new Map());
    const byNode = waves[index];
    const list = byNode.get(step.node) ?? [];
    list.push(step);
    byNode.set(step.node, list);
  }
  return waves.filter((byNode) => byNode.size > 0);
}

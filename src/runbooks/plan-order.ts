import type { Phase, Runbook } from './model.js';

export class PlanError extends Error {
  constructor(readonly reasons: string[]) {
    super(`cannot plan the deployment: ${reasons.join('; ')}`);
    this.name = 'PlanError';
  }
}

/**
 * Phases in dependency order (Kahn's algorithm; ties keep the runbook's own order).
 * Rejects duplicate keys, unknown dependencies and cycles.
 */
export function phaseOrder(runbook: Runbook): Phase[] {
  const reasons: string[] = [];
  const byKey = new Map<string, Phase>();
  for (const phase of runbook.phases) {
    if (byKey.has(phase.key)) reasons.push(`phase "${phase.key}" is defined twice`);
    byKey.set(phase.key, phase);
  }
  for (const phase of runbook.phases) {
    for (const dependency of phase.dependsOn) {
      if (!byKey.has(dependency)) reasons.push(`phase "${phase.key}" depends on unknown phase "${dependency}"`);
      if (dependency === phase.key) reasons.push(`phase "${phase.key}" depends on itself`);
    }
  }
  if (reasons.length > 0) throw new PlanError(reasons);

  const ordered: Phase[] = [];
  const done = new Set<string>();
  let remaining = [...byKey.values()];
  while (remaining.length > 0) {
    const ready = remaining.find((phase) => phase.dependsOn.every((d) => done.has(d)));
    if (!ready) {
      const stuck = remaining.map((p) => `${p.key} → ${p.dependsOn.filter((d) => !done.has(d)).join(', ')}`);
      throw new PlanError([`phase dependencies form a cycle among: ${stuck.join('; ')}`]);
    }
    ordered.push(ready);
    done.add(ready.key);
    remaining = remaining.filter((phase) => phase !== ready);
  }
  return ordered;
}

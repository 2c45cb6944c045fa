import { validateInventory } from './inventory.js';
import type { DeploymentPlan, Inventory, InventoryNode, Phase, PhasePlan, PlannedStep, RenderContext, Runbook, Secrets } from './model.js';
import { PlanError, phaseOrder } from './plan-order.js';
import { renderStep } from './plan-step.js';
import { maskedValues, maskSecrets, validateSecrets } from './secrets.js';

export { PlanError, phaseOrder } from './plan-order.js';

function nodesFor(inventory: Inventory, roles: string[]): InventoryNode[] {
  return inventory.nodes.filter((node) => node.roles.some((role) => roles.includes(role)));
}

function duplicateKeys(phase: Phase): string[] {
  const reasons: string[] = [];
  const stories = new Set<string>();
  const steps = new Set<string>();
  for (const story of phase.stories) {
    if (stories.has(story.key)) reasons.push(`phase "${phase.key}": story key "${story.key}" is used twice`);
    stories.add(story.key);
    for (const step of story.steps) {
      if (steps.has(step.key)) reasons.push(`phase "${phase.key}": step key "${step.key}" is used twice`);
      steps.add(step.key);
    }
  }
  return reasons;
}

function planPhase(phase: Phase, inventory: Inventory, secrets: Secrets, reasons: string[]): PhasePlan {
  const controller = inventory.nodes.find((n) => n.roles.includes('controller')) as InventoryNode;
  const computes = inventory.nodes.filter((n) => n.roles.includes('compute'));
  const steps: PlannedStep[] = [];
  const touched = new Set<string>();
  for (const node of inventory.nodes) {
    const ctx: RenderContext = { inventory, secrets, controller, computes, node };
    let position = 0;
    for (const story of phase.stories) {
      for (const step of story.steps) {
        const roles = step.on ? [step.on] : phase.on;
        if (!nodesFor(inventory, roles).includes(node)) continue;
        try {
          steps.push(renderStep(step, ctx, { phaseKey: phase.key, storyKey: story.key, position: position++ }));
          touched.add(node.name);
        } catch (error) {
          reasons.push(`phase "${phase.key}" step "${step.key}" on ${node.name}: ${(error as Error).message}`);
        }
      }
    }
  }
  return { phase, nodes: inventory.nodes.filter((n) => touched.has(n.name)).map((n) => n.name), steps };
}

/**
 * Turn a runbook into concrete steps per node for one environment. Everything is checked
 * before anything could run: inventory, secrets, phase names and dependencies, step keys and
 * every template. `selectedPhases` limits the plan to those phases (dependencies are not pulled
 * in: they may have been deployed before) and the plan keeps topological order.
 */
export function planDeployment(runbook: Runbook, inventory: Inventory, secrets: Secrets, selectedPhases?: string[]): DeploymentPlan {
  const inputProblems = [...validateInventory(inventory), ...validateSecrets(secrets)];
  if (inputProblems.length > 0) throw new PlanError(inputProblems);

  const ordered = phaseOrder(runbook);
  const known = new Set(ordered.map((p) => p.key));
  const reasons: string[] = [];
  if (selectedPhases) {
    if (selectedPhases.length === 0) reasons.push('no phase selected');
    for (const key of selectedPhases) {
      if (!known.has(key)) reasons.push(`unknown phase "${key}" (known: ${[...known].join(', ')})`);
    }
  }
  const chosen = selectedPhases ? ordered.filter((p) => selectedPhases.includes(p.key)) : ordered;
  for (const phase of chosen) reasons.push(...duplicateKeys(phase));
  if (reasons.length > 0) throw new PlanError(reasons);

  const phases = chosen.map((phase) => planPhase(phase, inventory, secrets, reasons));
  if (reasons.length > 0) throw new PlanError(reasons);
  return { runbookKey: runbook.key, runbookVersion: runbook.version, phases };
}

function describeStep(step: PlannedStep): string[] {
  const lines = [`  [${step.node}] ${step.position + 1}. ${step.title} (${step.storyKey}/${step.key})`];
  if (step.file) {
    const notify = step.file.notify.length ? `, restarts ${step.file.notify.join(', ')} if changed` : '';
    lines.push(
      `      write ${step.file.path} (${step.file.mode} ${step.file.owner}:${step.file.group}, ${shownDigest(step.file)}${notify})`,
    );
    lines.push(
      ...step.file.content
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => `      | ${line}`),
    );
  } else {
    if (step.guard) lines.push(`      skip if: ${step.guard}`);
    if (step.run) lines.push(`      run:     ${step.run}`);
  }
  if (step.verify) {
    for (const expectation of step.verify.expect) {
      lines.push(
        `      expect (${step.verify.format}): ${expectation.description ?? JSON.stringify(expectation, (_k, v) => (v instanceof RegExp ? String(v) : v))}`,
      );
    }
  }
  return lines;
}

/** Check-mode text: every phase, node and step with what would run; secrets masked. */
export function describePlan(plan: DeploymentPlan, secrets: Secrets): string {
  const lines = [`Runbook ${plan.runbookKey} ${plan.runbookVersion}: ${plan.phases.length} phase(s)`];
  for (const { phase, nodes, steps } of plan.phases) {
    lines.push(
      '',
      `== ${phase.key}: ${phase.title} (on ${nodes.join(', ') || 'no node'}; after ${phase.dependsOn.join(', ') || 'nothing'})`,
    );
    for (const step of steps) lines.push(...describeStep(step));
  }
  return maskSecrets(
    `${lines.join('\n')}\n`,
    maskedValues(
      secrets,
      plan.phases.flatMap((phase) => phase.steps),
    ),
  );
}

/** A file's hash as it may be shown: of its masked rendering when it holds a secret (see PlannedStep.file.digest). */
export function shownDigest(file: { holdsSecret: boolean; digest: string }): string {
  return file.holdsSecret ? `sha256 of the content with secrets masked ${file.digest}` : `sha256 ${file.digest}`;
}

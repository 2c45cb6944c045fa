import { createHash } from 'node:crypto';
import { SshExecutor } from '../../../src/infra/ssh/ssh-executor.js';
import type { DeploymentPlan, PlannedStep } from '../../../src/runbooks/model.js';
import { executionWaves } from '../../../src/workers/execution-waves.js';
import { runPlannedStep, type StepOutcome } from '../../../src/workers/step-runner.js';
import type { Lab } from '../../../lab/nodes/lab.js';

export interface PlanRun {
  /** The first step that failed, with what it printed; undefined when every step passed. */
  failed?: { node: string; key: string; output: string };
  outcomes: Map<string, StepOutcome['status']>;
}

/**
 * Runs a deployment plan on lab nodes with the production executor and step runner, phase by
 * phase and wave by wave like the engine, without queue or database: for tests that deploy many
 * variants of the runbook. Verifications do not wait between attempts. Stops at the first failure.
 */
export async function runPlanOnLab(lab: Lab, plan: DeploymentPlan, executor: SshExecutor): Promise<PlanRun> {
  const outcomes = new Map<string, StepOutcome['status']>();
  for (const phase of plan.phases) {
    for (const wave of executionWaves(phase)) {
      const results = await Promise.all(
        [...wave.entries()].map(async ([nodeName, steps]) => {
          const node = lab.nodes.find((n) => n.name === nodeName)!;
          const session = await executor.session({
            name: node.name,
            host: node.ssh.host,
            port: node.ssh.port,
            username: node.ssh.user,
            privateKey: lab.clientPrivateKey!,
            hostKeyFingerprint: node.ssh.hostKeyFingerprint,
            connectTimeoutMs: 10_000,
          });
          for (const step of steps) {
            const outcome = await runPlannedStep(step, session, { dryRun: false, sleep: async () => undefined });
            outcomes.set(`${phase.phase.key}/${step.node}/${step.key}`, outcome.status);
            if (outcome.status === 'failed') return { node: step.node, key: step.key, output: `${outcome.stdout}${outcome.stderr}` };
          }
          return undefined;
        }),
      );
      const failed = results.find((r) => r !== undefined);
      if (failed) return { failed, outcomes };
    }
  }
  return { outcomes };
}

/** The plan with one file rendered differently (a wrong runbook), its hash and probe following the content. */
export function withFileEdited(plan: DeploymentPlan, path: string, edit: (content: string) => string, node?: string): DeploymentPlan {
  return mapSteps(plan, (step) => {
    if (!step.file || step.file.path !== path || (node && step.node !== node)) return step;
    const content = edit(step.file.content);
    if (content === step.file.content) throw new Error(`the edit changed nothing in ${path}`);
    const sha256 = createHash('sha256').update(content, 'utf8').digest('hex');
    return { ...step, guard: step.guard?.replace(step.file.sha256, sha256), file: { ...step.file, content, sha256 } };
  });
}

/** The plan with one file written with another owner, group and mode. */
export function withFileMode(plan: DeploymentPlan, path: string, owner: string, group: string, mode: string): DeploymentPlan {
  return mapSteps(plan, (step) => {
    if (!step.file || step.file.path !== path) return step;
    const quoted = path;
    const attributes = `${owner}:${group} ${Number.parseInt(mode, 8).toString(8)}`;
    return {
      ...step,
      guard: step.guard?.replace(/= '[^']*' \]$/, `= '${attributes}' ]`),
      run: `chown ${owner}:${group} ${quoted} && chmod ${mode} ${quoted}`,
      file: { ...step.file, owner, group, mode },
    };
  });
}

/** The plan with a step's command (or probe) rewritten. */
export function withStep(plan: DeploymentPlan, key: string, change: (step: PlannedStep) => PlannedStep): DeploymentPlan {
  let found = false;
  const changed = mapSteps(plan, (step) => {
    if (step.key !== key) return step;
    found = true;
    return change(step);
  });
  if (!found) throw new Error(`no step ${key} in the plan`);
  return changed;
}

/** The plan without the steps of one story (a runbook that leaves it out). */
export function withoutStory(plan: DeploymentPlan, storyKey: string): DeploymentPlan {
  return { ...plan, phases: plan.phases.map((p) => ({ ...p, steps: p.steps.filter((s) => s.storyKey !== storyKey) })) };
}

function mapSteps(plan: DeploymentPlan, map: (step: PlannedStep) => PlannedStep): DeploymentPlan {
  return { ...plan, phases: plan.phases.map((p) => ({ ...p, steps: p.steps.map(map) })) };
}

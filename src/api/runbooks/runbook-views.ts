import type { DeploymentPlan, Expectation, Phase, PlannedStep, Runbook, Step } from '../../runbooks/model.js';
import type {
  PhaseSummaryResponseDto,
  PreviewStepDto,
  RunbookDetailResponseDto,
  RunbookPreviewResponseDto,
  RunbookStepResponseDto,
  RunbookSummaryResponseDto,
} from './runbook-response.dto.js';

/** An expectation as an operator reads it; RegExps shown as /.../. */
export function describeExpectation(expectation: Expectation): string {
  return expectation.description ?? JSON.stringify(expectation, (_key, value) => (value instanceof RegExp ? String(value) : value));
}

const runbookHeader = (runbook: Runbook) => ({ key: runbook.key, version: runbook.version, title: runbook.title });
const phaseHeader = (phase: Phase) => ({ key: phase.key, title: phase.title, goal: phase.goal, dependsOn: phase.dependsOn, on: phase.on });

export function toRunbookSummaryResponse(runbook: Runbook): RunbookSummaryResponseDto {
  return {
    ...runbookHeader(runbook),
    phases: runbook.phases.map((phase): PhaseSummaryResponseDto => ({ ...phaseHeader(phase), stories: phase.stories.length })),
  };
}

function toRunbookStepResponse(step: Step): RunbookStepResponseDto {
  const base = { key: step.key, kind: step.kind, title: step.title, ...(step.on ? { on: step.on } : {}) };
  switch (step.kind) {
    case 'file':
      return {
        ...base,
        path: step.path,
        language: step.language,
        mode: step.mode,
        owner: step.owner,
        group: step.group,
        notify: step.notify ?? [],
      };
    case 'service':
      return { ...base, services: step.services, state: step.state, enabled: step.enabled };
    case 'verify':
      return {
        ...base,
        format: step.format,
        // Expectations that depend on the inventory are only known once planned (see /preview).
        expectations:
          typeof step.expect === 'function' ? ['(depends on the environment: see the preview)'] : step.expect.map(describeExpectation),
        ...(step.retry ? { retry: step.retry } : {}),
      };
    default:
      return base;
  }
}

export function toRunbookDetailResponse(runbook: Runbook): RunbookDetailResponseDto {
  return {
    ...runbookHeader(runbook),
    phases: runbook.phases.map((phase) => ({
      ...phaseHeader(phase),
      stories: phase.stories.map((story) => ({
        key: story.key,
        title: story.title,
        userStory: story.userStory,
        acceptanceCriteria: story.acceptanceCriteria,
        steps: story.steps.map(toRunbookStepResponse),
      })),
    })),
  };
}

function toPreviewStep(step: PlannedStep): PreviewStepDto {
  const { file, verify } = step;
  return {
    node: step.node,
    storyKey: step.storyKey,
    key: step.key,
    position: step.position,
    kind: step.kind,
    title: step.title,
    ...(step.guard ? { guard: step.guard } : {}),
    ...(step.run ? { run: step.run } : {}),
    ...(file
      ? {
          file: {
            path: file.path,
            content: file.content,
            sha256: file.digest,
            mode: file.mode,
            owner: file.owner,
            group: file.group,
            language: file.language,
            notify: file.notify,
          },
        }
      : {}),
    ...(verify
      ? {
          verify: {
            format: verify.format,
            expectations: verify.expect.map(describeExpectation),
            ...(verify.retry ? { retry: verify.retry } : {}),
          },
        }
      : {}),
  };
}

/** The plan as the preview shows it, before masking (the caller masks every string). */
export function toRunbookPreviewResponse(plan: DeploymentPlan, environment: string, text: string): RunbookPreviewResponseDto {
  return {
    runbook: { key: plan.runbookKey, version: plan.runbookVersion },
    environment,
    phases: plan.phases.map(({ phase, nodes, steps }) => ({
      key: phase.key,
      title: phase.title,
      dependsOn: phase.dependsOn,
      nodes,
      steps: steps.map(toPreviewStep),
    })),
    text,
  };
}

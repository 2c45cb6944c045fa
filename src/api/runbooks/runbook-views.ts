import type { Expectation, Phase, Runbook, Step } from '../../runbooks/model.js';

/** An expectation as an operator reads it; RegExps shown as /.../. */
export function describeExpectation(expectation: Expectation): string {
  return expectation.description ?? JSON.stringify(expectation, (_key, value) => (value instanceof RegExp ? String(value) : value));
}

const runbookHeader = (runbook: Runbook) => ({ key: runbook.key, version: runbook.version, title: runbook.title });
const phaseHeader = (phase: Phase) => ({ key: phase.key, title: phase.title, goal: phase.goal, dependsOn: phase.dependsOn, on: phase.on });

export function runbookSummary(runbook: Runbook) {
  return {
    ...runbookHeader(runbook),
    phases: runbook.phases.map((phase) => ({ ...phaseHeader(phase), stories: phase.stories.length })),
  };
}

function stepDetail(step: Step) {
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

export function runbookDetail(runbook: Runbook) {
  return {
    ...runbookHeader(runbook),
    phases: runbook.phases.map((phase) => ({
      ...phaseHeader(phase),
      stories: phase.stories.map((story) => ({
        key: story.key,
        title: story.title,
        userStory: story.userStory,
        acceptanceCriteria: story.acceptanceCriteria,
        steps: story.steps.map(stepDetail),
      })),
    })),
  };
}

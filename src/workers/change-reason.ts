import type { PlannedStep } from '../runbooks/model.js';

const LIMIT = 240;

const short = (command: string) => {
  const line = command.trim().split('\n')[0] ?? '';
  return line.length > LIMIT ? `${line.slice(0, LIMIT)}…` : line;
};

/**
 * What a step is about to change and why, in a sentence for people (the JIRA comment that
 * explains a reopened story). Still unmasked: the caller masks secrets before it leaves the engine.
 */
export function changeReason(step: PlannedStep): string {
  if (step.file) {
    const restarts = step.file.notify.length ? `, then ${step.file.notify.join(', ')} restarted if running` : '';
    // No content hash here: the file may hold secrets, and a hash of one must not leave the engine either.
    return `${step.file.path} differs from the file the runbook renders: it is replaced${restarts}`;
  }
  const run = step.run ? short(step.run) : '(nothing)';
  if (!step.guard) return `the step has no check and runs \`${run}\``;
  return `its check \`${short(step.guard)}\` did not pass, so it runs \`${run}\``;
}

import type { SprintInput } from './sprint-input.js';

/** The input cannot make a report (the HTTP layer answers 400 with the reasons). */
export class ReportInputError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'ReportInputError';
  }
}

const isDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/** Checks what the types cannot: real dates, a sprint that ends after it starts, attempts numbered from 1. */
export function validateSprintInput(input: SprintInput, now: Date): void {
  const reasons: string[] = [];
  const { sprint } = input;
  if (!isDate(now)) reasons.push('now is not a valid date');
  if (!isDate(sprint.startAt)) reasons.push(`sprint ${sprint.id}: startAt is not a valid date`);
  if (!isDate(sprint.endAt)) reasons.push(`sprint ${sprint.id}: endAt is not a valid date`);
  if (isDate(sprint.startAt) && isDate(sprint.endAt) && sprint.endAt <= sprint.startAt) {
    reasons.push(`sprint ${sprint.id}: endAt (${sprint.endAt.toISOString()}) must be after startAt (${sprint.startAt.toISOString()})`);
  }
  if (sprint.completedAt !== null && !isDate(sprint.completedAt)) reasons.push(`sprint ${sprint.id}: completedAt is not a valid date`);
  for (const change of sprint.scopeChanges) {
    if (!isDate(change.at)) reasons.push(`scope change of ${change.story.issueKey}: at is not a valid date`);
  }
  for (const status of input.storyStatuses) {
    if (!isDate(status.at)) reasons.push(`status of ${status.issueKey}: at is not a valid date`);
  }
  for (const deployment of input.deployments) {
    if (!isDate(deployment.createdAt)) reasons.push(`deployment ${deployment.id}: createdAt is not a valid date`);
    for (const attempt of deployment.stepAttempts) {
      if (!Number.isInteger(attempt.attempt) || attempt.attempt < 1) {
        reasons.push(
          `deployment ${deployment.id}: step ${attempt.phaseKey}/${attempt.stepKey} on ${attempt.node} has attempt ${attempt.attempt}; attempts count from 1`,
        );
      }
    }
  }
  if (reasons.length > 0) throw new ReportInputError(reasons);
}

import type { DeploymentRecord, StepAttemptRecord, StepAttemptStatus } from '../model/deployment-record.js';
import type { Links } from '../model/links.js';
import { attemptAt, attemptLinks, succeededStep } from './ledger.js';
import { addTo, mean, median, roundMs, sortBy } from './stats.js';

/** A failed step attempt and whether (and when) the same step later succeeded on the same node. */
export interface FailureLine {
  deploymentId: string;
  environment: string;
  phaseKey: string;
  storyKey: string;
  stepKey: string;
  stepTitle: string;
  node: string;
  attempt: number;
  exitCode: number | null;
  /** Masked at the source. */
  firstErrorLine: string | null;
  at: Date;
  /** The first later successful attempt of the step on the node in the environment (same or later deployment). */
  recoveredBy: { deploymentId: string; attempt: number; at: Date } | null;
  timeToRecoverMs: number | null;
  links: Links;
}

/** A step that took more than one attempt within one deployment. */
export interface RetryLine {
  deploymentId: string;
  environment: string;
  phaseKey: string;
  stepKey: string;
  stepTitle: string;
  node: string;
  attempts: number;
  failedAttempts: number;
  finalStatus: StepAttemptStatus;
  /** From the first failed attempt to the attempt that succeeded; null when none did. */
  recoveredAfterMs: number | null;
  links: Links;
}

export interface RecoverySummary {
  failures: number;
  recovered: number;
  unrecovered: number;
  /** Over recovered failures. */
  medianTimeToRecoverMs: number | null;
  meanTimeToRecoverMs: number | null;
  retriedSteps: number;
  /** Attempts beyond the first, over all retried steps. */
  retries: number;
}

interface Located {
  deployment: DeploymentRecord;
  attempt: StepAttemptRecord;
  at: Date;
}

const stepIdentity = (environment: string, attempt: StepAttemptRecord) =>
  [environment, attempt.phaseKey, attempt.node, attempt.stepKey].join('\u0000');

function locate(deployments: DeploymentRecord[]): Located[] {
  const all: Located[] = [];
  for (const deployment of deployments) {
    for (const attempt of deployment.stepAttempts) {
      const at = attemptAt(attempt);
      if (at !== null) all.push({ deployment, attempt, at });
    }
  }
  return sortBy(
    all,
    (entry) => entry.at.getTime(),
    (entry) => entry.deployment.id,
    (entry) => stepIdentity(entry.deployment.environment, entry.attempt),
    (entry) => entry.attempt.attempt,
  );
}

export function failures(deployments: DeploymentRecord[]): FailureLine[] {
  const attempts = locate(deployments);
  const successes = new Map<string, Located[]>();
  for (const entry of attempts) {
    if (!succeededStep(entry.attempt.status) || entry.attempt.finishedAt === null) continue;
    const key = stepIdentity(entry.deployment.environment, entry.attempt);
    addTo(successes, key, entry);
  }
  return attempts
    .filter((entry) => entry.attempt.status === 'failed')
    .map(({ deployment, attempt, at }): FailureLine => {
      const fix = successes.get(stepIdentity(deployment.environment, attempt))?.find((success) => success.at > at);
      return {
        deploymentId: deployment.id,
        environment: deployment.environment,
        phaseKey: attempt.phaseKey,
        storyKey: attempt.storyKey,
        stepKey: attempt.stepKey,
        stepTitle: attempt.stepTitle,
        node: attempt.node,
        attempt: attempt.attempt,
        exitCode: attempt.exitCode,
        firstErrorLine: attempt.firstErrorLine,
        at,
        recoveredBy: fix ? { deploymentId: fix.deployment.id, attempt: fix.attempt.attempt, at: fix.at } : null,
        timeToRecoverMs: fix ? fix.at.getTime() - at.getTime() : null,
        links: attemptLinks(deployment, attempt),
      };
    });
}

export function retries(deployments: DeploymentRecord[]): RetryLine[] {
  const lines: RetryLine[] = [];
  for (const deployment of deployments) {
    const groups = new Map<string, StepAttemptRecord[]>();
    for (const attempt of deployment.stepAttempts) {
      const key = stepIdentity(deployment.environment, attempt);
      addTo(groups, key, attempt);
    }
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const ordered = sortBy(group, (attempt) => attempt.attempt);
      const last = ordered[ordered.length - 1];
      const firstFailure = ordered.find((attempt) => attempt.status === 'failed');
      const failedAt = firstFailure ? attemptAt(firstFailure) : null;
      const fix = failedAt
        ? ordered.find((attempt) => succeededStep(attempt.status) && attempt.finishedAt !== null && attempt.finishedAt > failedAt)
        : undefined;
      lines.push({
        deploymentId: deployment.id,
        environment: deployment.environment,
        phaseKey: last.phaseKey,
        stepKey: last.stepKey,
        stepTitle: last.stepTitle,
        node: last.node,
        attempts: ordered.length,
        failedAttempts: ordered.filter((attempt) => attempt.status === 'failed').length,
        finalStatus: last.status,
        recoveredAfterMs: fix && failedAt ? fix.finishedAt!.getTime() - failedAt.getTime() : null,
        links: attemptLinks(deployment, last),
      });
    }
  }
  return sortBy(
    lines,
    (line) => -line.attempts,
    (line) => line.deploymentId,
    (line) => line.phaseKey,
    (line) => line.stepKey,
    (line) => line.node,
  );
}

export function recoverySummary(failed: FailureLine[], retried: RetryLine[]): RecoverySummary {
  const times = failed.map((failure) => failure.timeToRecoverMs).filter((ms): ms is number => ms !== null);
  return {
    failures: failed.length,
    recovered: times.length,
    unrecovered: failed.length - times.length,
    medianTimeToRecoverMs: roundMs(median(times)),
    meanTimeToRecoverMs: roundMs(mean(times)),
    retriedSteps: retried.length,
    retries: retried.reduce((sum, line) => sum + line.attempts - 1, 0),
  };
}

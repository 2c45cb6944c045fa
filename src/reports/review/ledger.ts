import type { DeploymentRecord, PhaseRunRecord, StepAttemptRecord, StepAttemptStatus } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import { sortBy } from './stats.js';

/** Dry runs (check mode) never count as deployments; nor does anything created after the report's moment. */
export function realDeployments(deployments: DeploymentRecord[], asOf: Date): DeploymentRecord[] {
  return sortBy(
    deployments.filter((deployment) => !deployment.dryRun && deployment.createdAt <= asOf),
    (deployment) => (deployment.startedAt ?? deployment.createdAt).getTime(),
    (deployment) => deployment.id,
  );
}

export const succeededStep = (status: StepAttemptStatus): boolean => status === 'ok' || status === 'changed';

/** When an attempt ended (or started, while it still runs). */
export const attemptAt = (attempt: StepAttemptRecord): Date | null => attempt.finishedAt ?? attempt.startedAt;

export function phaseRunOf(deployment: DeploymentRecord, phaseKey: string): PhaseRunRecord | undefined {
  return deployment.phaseRuns.find((run) => run.phaseKey === phaseKey);
}

/** Links of a step attempt: its story, the phase's epic and page version, the deployment. */
export function attemptLinks(deployment: DeploymentRecord, attempt: StepAttemptRecord): Links {
  const phase = phaseRunOf(deployment, attempt.phaseKey);
  return links({
    issueKey: attempt.storyIssueKey,
    epicKey: phase?.epicKey ?? null,
    deploymentId: deployment.id,
    confluencePage: phase?.page ?? null,
  });
}

/** A deployment failed when it ended failed, or when any step failed before a retry made it succeed. */
export function deploymentFailed(deployment: DeploymentRecord): boolean {
  return deployment.status === 'failed' || deployment.stepAttempts.some((attempt) => attempt.status === 'failed');
}

/** When a deployment first failed: its first failed step attempt, else its end when it ended failed. */
export function firstFailureAt(deployment: DeploymentRecord): Date | null {
  const failed = deployment.stepAttempts
    .filter((attempt) => attempt.status === 'failed')
    .map(attemptAt)
    .filter((at): at is Date => at !== null);
  if (failed.length > 0) return new Date(Math.min(...failed.map((at) => at.getTime())));
  return deployment.status === 'failed' ? deployment.finishedAt : null;
}

/**
 * The latest deployment (of those given, in time order) that ran a step of the story, with the
 * page version of the story's phase it published: what a story links to.
 */
export function latestRunOfStory(deployments: DeploymentRecord[], issueKey: string, asOf: Date): Links | null {
  let found: Links | null = null;
  let foundAt = -Infinity;
  for (const deployment of deployments) {
    for (const attempt of deployment.stepAttempts) {
      const at = attemptAt(attempt);
      if (attempt.storyIssueKey !== issueKey || at === null || at > asOf || at.getTime() < foundAt) continue;
      foundAt = at.getTime();
      found = attemptLinks(deployment, attempt);
    }
  }
  return found;
}

import type { StoryStatusChangeRecord } from '../../persistence/records.js';
import type { SprintReportData } from '../../persistence/repositories/sprint.repository.js';
import type { ConfluencePageVersion, DeploymentRecord, StepAttemptRecord } from '../model/deployment-record.js';
import type { ScopeChange, SprintStory } from '../model/sprint.js';
import type { SprintInput } from '../model/sprint-input.js';
import type { StoryStatusChange } from '../model/story-status.js';

/**
 * A runbook story without a JIRA issue is known as `<environment>:<phase>/<story>`: the key its
 * sprint backlog, status history and step attempts share.
 */
export const runbookStoryRef = (environmentName: string, phaseKey: string, storyKey: string): string =>
  `${environmentName}:${phaseKey}/${storyKey}`;

/** What the loader needs besides the sprint's rows: JIRA issue keys and Confluence page versions. */
export interface SprintInputLookups {
  /** JIRA issue key of a runbook entity (`<phase>` or `<phase>/<story>`) in an environment (by id). */
  issueKeyOf(environmentId: string, entityKey: string): string | null;
  /** The phase page version a deployment published (null when it published none). */
  pageOf(deploymentId: string, phaseKey: string): ConfluencePageVersion | null;
  /** Environment name by id (for status rows recorded before a JIRA key existed). */
  environmentName(environmentId: string): string | null;
}

/**
 * Turns the database rows of a sprint into the report core's plain input. Story keys are the
 * JIRA issue keys when the environment has them, else runbook references; a status recorded
 * under the runbook reference before the JIRA sync created the issue still counts for the issue.
 */
export function toSprintInput(data: SprintReportData, statuses: StoryStatusChangeRecord[], lookups: SprintInputLookups): SprintInput {
  const story = (row: SprintReportData['scopeChanges'][number]): SprintStory => ({
    issueKey: row.storyKey,
    epicKey: row.epicKey,
    phaseKey: row.phaseKey,
    storyKey: row.runbookStoryKey,
    title: row.title,
    storyPoints: row.storyPoints,
  });
  const committed = data.scopeChanges.filter((row) => row.kind === 'committed').map(story);
  const scopeChanges: ScopeChange[] = data.scopeChanges
    .filter((row) => row.kind !== 'committed')
    .map((row) => ({ kind: row.kind as 'added' | 'removed', story: story(row), at: row.at }));

  const deployments = data.deployments.map((deployment): DeploymentRecord => {
    const phaseKeyOf = new Map(deployment.phaseRuns.map((run) => [run.id, run.phaseKey]));
    const stepOf = new Map(deployment.stepRuns.map((step) => [step.id, step]));
    const storyKeyOf = (phaseKey: string, storyKey: string) =>
      lookups.issueKeyOf(deployment.environment.id, `${phaseKey}/${storyKey}`) ??
      runbookStoryRef(deployment.environment.name, phaseKey, storyKey);
    const stepAttempts = deployment.stepAttempts.flatMap((attempt): StepAttemptRecord[] => {
      const step = stepOf.get(attempt.stepRunId);
      const phaseKey = step ? phaseKeyOf.get(step.phaseRunId) : undefined;
      if (!step || !phaseKey) return [];
      return [
        {
          node: attempt.node,
          phaseKey,
          storyKey: step.storyKey,
          storyIssueKey: storyKeyOf(phaseKey, step.storyKey),
          stepKey: step.stepKey,
          stepTitle: step.title,
          attempt: attempt.attempt,
          status: attempt.status,
          exitCode: attempt.exitCode,
          startedAt: attempt.startedAt,
          finishedAt: attempt.finishedAt,
          durationMs: attempt.durationMs,
          firstErrorLine: attempt.firstErrorLine,
        },
      ];
    });
    return {
      id: deployment.id,
      environment: deployment.environment.name,
      trigger: deployment.trigger,
      dryRun: deployment.dryRun,
      requester: deployment.requester,
      jiraTrigger:
        deployment.jiraTriggerIssueKey && deployment.jiraTriggeredAt
          ? { issueKey: deployment.jiraTriggerIssueKey, transitionedAt: deployment.jiraTriggeredAt }
          : null,
      status: deployment.status,
      createdAt: deployment.createdAt,
      startedAt: deployment.startedAt,
      finishedAt: deployment.finishedAt,
      phaseRuns: deployment.phaseRuns.map((run) => ({
        phaseKey: run.phaseKey,
        status: run.status,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        epicKey: lookups.issueKeyOf(deployment.environment.id, run.phaseKey),
        page: lookups.pageOf(deployment.id, run.phaseKey),
      })),
      stepAttempts,
    };
  });

  return {
    sprint: {
      id: data.id,
      name: data.name,
      goal: data.goal,
      startAt: data.startAt,
      endAt: data.endAt,
      state: data.state,
      completedAt: data.completedAt,
      committed,
      scopeChanges,
    },
    deployments,
    storyStatuses: statuses.map((row): StoryStatusChange => ({ issueKey: statusKey(row, lookups), category: row.category, at: row.at })),
  };
}

/** The key a status row counts for: the JIRA issue of its runbook story when there is one now. */
function statusKey(row: StoryStatusChangeRecord, lookups: SprintInputLookups): string {
  if (!row.environmentId || !row.entityKey) return row.storyKey;
  const issueKey = lookups.issueKeyOf(row.environmentId, row.entityKey);
  if (issueKey) return issueKey;
  const name = lookups.environmentName(row.environmentId);
  const [phaseKey, storyKey] = row.entityKey.split('/');
  return name && storyKey ? runbookStoryRef(name, phaseKey, storyKey) : row.storyKey;
}

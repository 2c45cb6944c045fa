import type { DeploymentRecord, DeploymentTrigger } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import type { SprintInput } from '../model/sprint-input.js';
import { ReportInputError, validateSprintInput } from '../model/validate-input.js';
import { attemptAt, attemptLinks, latestRunOfStory, realDeployments } from '../review/ledger.js';
import { compareText, sortBy } from '../review/stats.js';
import { StoryTimeline } from '../review/story-timeline.js';

export interface DigestDoneStory {
  issueKey: string;
  epicKey: string | null;
  phaseKey: string | null;
  title: string;
  doneAt: Date;
  /** The story, its epic, and the latest deployment that ran it with its phase page version. */
  links: Links;
}

export interface DigestRunningPhase {
  phaseKey: string;
  startedAt: Date | null;
  links: Links;
}

export interface DigestRunningDeployment {
  deploymentId: string;
  environment: string;
  /** Check mode: listed because it occupies the environment, never counted as a deployment. */
  dryRun: boolean;
  status: 'queued' | 'running';
  trigger: DeploymentTrigger;
  requester: string;
  startedAt: Date | null;
  phasesDone: number;
  phasesTotal: number;
  runningPhases: DigestRunningPhase[];
  links: Links;
}

export interface DigestFailure {
  deploymentId: string;
  node: string;
  phaseKey: string;
  stepKey: string;
  stepTitle: string;
  exitCode: number | null;
  /** Masked at the source. */
  firstErrorLine: string | null;
  at: Date;
}

export interface DigestBlockedStory {
  issueKey: string;
  epicKey: string | null;
  phaseKey: string | null;
  title: string;
  blockedSince: Date | null;
  /** The story's latest failed step in a real deployment, when one made it blocked. */
  lastFailure: DigestFailure | null;
  links: Links;
}

/** The daily scrum, from the ledger: what got done since yesterday, what runs now, what is blocked. */
export interface DailyDigest {
  sprint: { id: string; name: string; goal: string | null };
  since: Date;
  at: Date;
  done: DigestDoneStory[];
  running: DigestRunningDeployment[];
  blocked: DigestBlockedStory[];
}

/**
 * Stories of the sprint backlog that became done in (since, now] and are still done, deployments
 * queued or running at `now` (dry runs included and flagged, since they hold the environment), and
 * stories blocked at `now` with the failure that blocked them.
 */
export function buildDailyDigest(input: SprintInput, since: Date, now: Date): DailyDigest {
  validateSprintInput(input, now);
  if (!(since instanceof Date) || Number.isNaN(since.getTime())) throw new ReportInputError(['since is not a valid date']);
  if (since >= now) throw new ReportInputError([`since (${since.toISOString()}) must be before now (${now.toISOString()})`]);
  const timeline = new StoryTimeline(input.sprint, input.storyStatuses);
  const real = realDeployments(input.deployments, now);
  const scope = timeline.scopeAt(now);

  const done = scope
    .filter((story) => timeline.isDone(story.issueKey, now))
    .map((story) => ({ story, doneAt: timeline.statusSince(story.issueKey, now) }))
    .filter((entry): entry is { story: typeof entry.story; doneAt: Date } => entry.doneAt !== null && entry.doneAt > since)
    .map(({ story, doneAt }): DigestDoneStory => {
      const run = latestRunOfStory(real, story.issueKey, now);
      return {
        issueKey: story.issueKey,
        epicKey: story.epicKey,
        phaseKey: story.phaseKey,
        title: story.title,
        doneAt,
        links: links({ ...run, issueKey: story.issueKey, epicKey: story.epicKey ?? run?.epicKey ?? null }),
      };
    });

  const blocked = scope
    .filter((story) => timeline.statusAt(story.issueKey, now) === 'blocked')
    .map((story): DigestBlockedStory => {
      const failure = lastFailureOf(real, story.issueKey, now);
      return {
        issueKey: story.issueKey,
        epicKey: story.epicKey,
        phaseKey: story.phaseKey,
        title: story.title,
        blockedSince: timeline.statusSince(story.issueKey, now),
        lastFailure: failure?.line ?? null,
        links: links({ ...failure?.links, issueKey: story.issueKey, epicKey: story.epicKey ?? failure?.links.epicKey ?? null }),
      };
    });

  const running = input.deployments
    .filter((d) => (d.status === 'queued' || d.status === 'running') && d.createdAt <= now)
    .map(
      (d): DigestRunningDeployment => ({
        deploymentId: d.id,
        environment: d.environment,
        dryRun: d.dryRun,
        status: d.status as 'queued' | 'running',
        trigger: d.trigger,
        requester: d.requester,
        startedAt: d.startedAt,
        phasesDone: d.phaseRuns.filter((run) => run.status === 'succeeded').length,
        phasesTotal: d.phaseRuns.length,
        runningPhases: d.phaseRuns
          .filter((run) => run.status === 'running')
          .map((run) => ({
            phaseKey: run.phaseKey,
            startedAt: run.startedAt,
            links: links({ epicKey: run.epicKey, issueKey: run.epicKey, deploymentId: d.id, confluencePage: run.page }),
          })),
        links: links({ deploymentId: d.id, issueKey: d.jiraTrigger?.issueKey ?? null }),
      }),
    );

  return {
    sprint: { id: input.sprint.id, name: input.sprint.name, goal: input.sprint.goal },
    since,
    at: now,
    done: sortBy(done, (line) => line.doneAt.getTime()),
    running: running.sort((a, b) => compareText(a.environment, b.environment) || compareText(a.deploymentId, b.deploymentId)),
    blocked: [...blocked].sort((a, b) => compareText(a.issueKey, b.issueKey)),
  };
}

function lastFailureOf(deployments: DeploymentRecord[], issueKey: string, now: Date): { line: DigestFailure; links: Links } | null {
  let found: { line: DigestFailure; links: Links } | null = null;
  for (const deployment of deployments) {
    for (const attempt of deployment.stepAttempts) {
      const at = attemptAt(attempt);
      if (attempt.status !== 'failed' || attempt.storyIssueKey !== issueKey || at === null || at > now) continue;
      if (found !== null && found.line.at > at) continue;
      found = {
        line: {
          deploymentId: deployment.id,
          node: attempt.node,
          phaseKey: attempt.phaseKey,
          stepKey: attempt.stepKey,
          stepTitle: attempt.stepTitle,
          exitCode: attempt.exitCode,
          firstErrorLine: attempt.firstErrorLine,
          at,
        },
        links: attemptLinks(deployment, attempt),
      };
    }
  }
  return found;
}

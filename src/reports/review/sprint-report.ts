import type { SprintState } from '../model/sprint.js';
import type { SprintInput } from '../model/sprint-input.js';
import { validateSprintInput } from '../model/validate-input.js';
import { type Burndown, burndown } from './burndown.js';
import { type DeploymentsSummary, deploymentsSummary } from './deployments-summary.js';
import { type DoraKeys, doraKeys } from './dora.js';
import { type FailureLine, failures, type RecoverySummary, type RetryLine, recoverySummary, retries } from './failures.js';
import { realDeployments } from './ledger.js';
import { type RetroPrompt, retrospectivePrompts } from './retrospective.js';
import { type EpicSummary, epicSummary, type ScopeSummary, type StoryLine, scopeSummary, storyLines, usesStoryPoints } from './scope.js';
import { type SprintWindow, sprintWindow } from './sprint-window.js';
import { StoryTimeline } from './story-timeline.js';
import { type DeploymentTimeline, deploymentTimelines } from './timeline.js';
import { type NodeTiming, nodeTimings, type PhaseTiming, phaseTimings, type SlowStep, slowestSteps } from './timings.js';

/** The sprint review: the same numbers on the dashboard, in the API and on the Confluence page. */
export interface SprintReport {
  sprint: { id: string; name: string; goal: string | null; state: SprintState; startAt: Date; endAt: Date; completedAt: Date | null };
  window: SprintWindow;
  generatedAt: Date;
  /** Whether story point figures are present (some story carries points). */
  usesStoryPoints: boolean;
  scope: ScopeSummary;
  stories: StoryLine[];
  epics: EpicSummary;
  burndown: Burndown;
  deployments: DeploymentsSummary;
  phases: PhaseTiming[];
  nodes: NodeTiming[];
  timelines: DeploymentTimeline[];
  failures: FailureLine[];
  retries: RetryLine[];
  recovery: RecoverySummary;
  slowestSteps: SlowStep[];
  dora: DoraKeys;
  retrospective: RetroPrompt[];
}

export interface SprintReportOptions {
  /** How many slowest steps to list (default 10). */
  slowestSteps?: number;
}

/**
 * Builds the sprint review from what the sprint recorded, as of `now` (or as of its close for
 * a closed sprint). Pure: the same input and `now` give the same report. Dry runs are left out
 * of every number. Throws ReportInputError on input it cannot make sense of.
 */
export function buildSprintReport(input: SprintInput, now: Date, options: SprintReportOptions = {}): SprintReport {
  validateSprintInput(input, now);
  const { sprint } = input;
  const window = sprintWindow(sprint, now);
  const timeline = new StoryTimeline(sprint, input.storyStatuses);
  const real = realDeployments(input.deployments, window.asOf);
  const stories = storyLines(timeline, window, real);
  const scope = scopeSummary(timeline, window);
  const failed = failures(real);
  const retried = retries(real);
  const slow = slowestSteps(real, options.slowestSteps ?? 10);
  const dora = doraKeys(real, window);
  return {
    sprint: {
      id: sprint.id,
      name: sprint.name,
      goal: sprint.goal,
      state: sprint.state,
      startAt: sprint.startAt,
      endAt: sprint.endAt,
      completedAt: sprint.completedAt,
    },
    window,
    generatedAt: now,
    usesStoryPoints: usesStoryPoints(timeline),
    scope,
    stories,
    epics: epicSummary(timeline, stories),
    burndown: burndown(timeline, window),
    deployments: deploymentsSummary(real, input.deployments),
    phases: phaseTimings(real),
    nodes: nodeTimings(real),
    timelines: deploymentTimelines(real, window.asOf),
    failures: failed,
    retries: retried,
    recovery: recoverySummary(failed, retried),
    slowestSteps: slow,
    dora,
    retrospective: retrospectivePrompts({
      failures: failed,
      retries: retried,
      incidents: dora.timeToRestore.incidents,
      scope,
      stories,
      slowestSteps: slow,
      sprintOver: sprint.state === 'closed' || window.asOf >= window.endAt,
    }),
  };
}

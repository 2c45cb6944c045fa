import { formatTimestamp } from '../../common/format-timestamp.js';
import { type Links, links } from '../model/links.js';
import type { Incident } from './dora.js';
import type { FailureLine, RetryLine } from './failures.js';
import { formatDuration } from './format-duration.js';
import type { ScopeSummary, StoryLine } from './scope.js';
import { addTo, compareText } from './stats.js';
import type { SlowStep } from './timings.js';

export type RetroPromptKind = 'failing-step' | 'retried-step' | 'open-incident' | 'scope-added' | 'carried-over' | 'slowest-step';

/** A question for the sprint retrospective, grounded in what happened, with what it is about. */
export interface RetroPrompt {
  kind: RetroPromptKind;
  /** How often it happened (failures, retries, stories...), for ordering and emphasis. */
  count: number;
  text: string;
  links: Links[];
}

export interface RetrospectiveInput {
  failures: FailureLine[];
  retries: RetryLine[];
  incidents: Incident[];
  scope: ScopeSummary;
  stories: StoryLine[];
  slowestSteps: SlowStep[];
  /** Closed, or past its planned end: what is not done now is carried over. */
  sprintOver: boolean;
}

/** Failing steps: at most this many prompts, the most frequent first. */
const MAX_STEP_PROMPTS = 5;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const unique = <T>(values: T[]) => [...new Set(values)];
const keyList = (lines: StoryLine[]) => lines.map((line) => line.issueKey).join(', ');

/**
 * Turns what went wrong into prompts, most frequent first: failing steps (with their retries),
 * steps retried without a recorded failure, environments still broken, scope added after the
 * start, committed stories not done once the sprint is over, and the slowest step.
 */
export function retrospectivePrompts(input: RetrospectiveInput): RetroPrompt[] {
  const prompts: RetroPrompt[] = [];
  const failing = new Map<string, FailureLine[]>();
  for (const failure of input.failures) {
    const key = `${failure.phaseKey}/${failure.stepKey}`;
    addTo(failing, key, failure);
  }
  const retriesOf = (key: string) => input.retries.filter((retry) => `${retry.phaseKey}/${retry.stepKey}` === key);
  const failingPrompts = [...failing.entries()]
    .sort(([ka, a], [kb, b]) => b.length - a.length || compareText(ka, kb))
    .slice(0, MAX_STEP_PROMPTS)
    .map(([key, lines]): RetroPrompt => {
      const latest = lines[lines.length - 1];
      const nodes = unique(lines.map((line) => line.node)).join(', ');
      const codes = unique(lines.map((line) => (line.exitCode === null ? 'no exit code' : `exit ${line.exitCode}`))).join(', ');
      const retried = retriesOf(key).reduce((sum, retry) => sum + retry.attempts - 1, 0);
      const error = latest.firstErrorLine ? `: "${latest.firstErrorLine}"` : '';
      const recovered = lines.every((line) => line.recoveredBy !== null)
        ? `It recovered after ${formatDuration(Math.max(...lines.map((line) => line.timeToRecoverMs!)))} at most`
        : 'It has not recovered yet';
      const retriedText = retried > 0 ? ` and took ${plural(retried, 'retry', 'retries')}` : '';
      return {
        kind: 'failing-step',
        count: lines.length,
        text:
          `"${latest.stepTitle}" (${key}) failed ${plural(lines.length, 'time')} on ${nodes} (${codes})${error}${retriedText}. ` +
          `${recovered}. What would have caught it before the deployment?`,
        links: lines.map((line) => line.links),
      };
    });
  prompts.push(...failingPrompts);

  const retriedOnly = new Map<string, RetryLine[]>();
  for (const retry of input.retries) {
    const key = `${retry.phaseKey}/${retry.stepKey}`;
    if (!failing.has(key)) addTo(retriedOnly, key, retry);
  }
  for (const [key, lines] of [...retriedOnly.entries()].sort(([ka], [kb]) => compareText(ka, kb))) {
    const extra = lines.reduce((sum, retry) => sum + retry.attempts - 1, 0);
    prompts.push({
      kind: 'retried-step',
      count: extra,
      text: `"${lines[0].stepTitle}" (${key}) was run again ${plural(extra, 'time')} without a recorded failure (cancelled or interrupted). Why did it have to be repeated?`,
      links: lines.map((line) => line.links),
    });
  }

  for (const incident of input.incidents.filter((i) => i.restoredAt === null)) {
    prompts.push({
      kind: 'open-incident',
      count: incident.failedDeploymentIds.length,
      text:
        `${incident.environment} has been failing since ${formatTimestamp(incident.failedAt)} ` +
        `(${plural(incident.failedDeploymentIds.length, 'failed deployment')}, open for ${formatDuration(incident.openForMs ?? 0)}). What does restoring it need?`,
      links: incident.failedDeploymentIds.map((deploymentId) => links({ deploymentId })),
    });
  }

  const added = input.stories.filter((line) => line.addedAt !== null && !line.committed);
  if (input.scope.added.stories > 0) {
    prompts.push({
      kind: 'scope-added',
      count: input.scope.added.stories,
      text: `${plural(input.scope.added.stories, 'story', 'stories')} came into the sprint after it started (${keyList(added)}). What did sprint planning not see?`,
      links: added.map((line) => line.links),
    });
  }

  const carried = input.stories.filter((line) => line.committed && line.inScope && line.status !== 'done');
  if (input.sprintOver && carried.length > 0) {
    prompts.push({
      kind: 'carried-over',
      count: carried.length,
      text: `${plural(carried.length, 'committed story', 'committed stories')} ${carried.length === 1 ? 'is' : 'are'} not done (${keyList(carried)}). Split, re-plan or carry over?`,
      links: carried.map((line) => line.links),
    });
  }

  const slowest = input.slowestSteps[0];
  if (slowest) {
    prompts.push({
      kind: 'slowest-step',
      count: slowest.runs,
      text:
        `The slowest step was "${slowest.stepTitle}" (${slowest.phaseKey}/${slowest.stepKey}) on ${slowest.node}: ` +
        `${formatDuration(slowest.maxMs)} at most, ${formatDuration(slowest.medianMs)} median over ${plural(slowest.runs, 'run')}. Can it be made shorter?`,
      links: [slowest.links],
    });
  }
  return prompts;
}

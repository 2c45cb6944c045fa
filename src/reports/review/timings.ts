import type { DeploymentRecord, PhaseRunStatus, StepAttemptRecord } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import { attemptLinks, phaseRunOf } from './ledger.js';
import { addTo, compareText, elapsedMs, median, roundMs, sortBy } from './stats.js';
import { type Trend, trendOf } from './trend.js';

/** One run of a phase in one deployment. */
export interface PhaseRunLine {
  deploymentId: string;
  environment: string;
  status: PhaseRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** finishedAt − startedAt; null while it runs. A retried run spans the wait for its retry. */
  durationMs: number | null;
  /** A step of the phase ran more than once in this deployment (the run was resumed after a failure). */
  retried: boolean;
  links: Links;
}

export interface PhaseTiming {
  phaseKey: string;
  epicKey: string | null;
  /** Runs that started, in start order. */
  runs: PhaseRunLine[];
  succeeded: number;
  failed: number;
  /**
   * Over successful runs that were not retried: a failed run stops early and a retried one
   * includes the wait for the retry, so neither says how long the phase takes.
   */
  medianMs: number | null;
  maxMs: number | null;
  /** Across the same runs, in start order. */
  trend: Trend | null;
}

/** The time one node spent on one phase in one deployment. */
export interface NodePhaseRun {
  deploymentId: string;
  startedAt: Date;
  /** Sum of the node's step attempt durations in the phase (retries included). */
  busyMs: number;
  /** From the node's first attempt start to its last attempt finish in the phase. */
  wallMs: number | null;
  attempts: number;
  failedAttempts: number;
  phaseStatus: PhaseRunStatus;
  links: Links;
}

export interface NodePhaseTiming {
  phaseKey: string;
  runs: NodePhaseRun[];
  /** busyMs across runs whose phase succeeded. */
  trend: Trend | null;
}

export interface NodeTiming {
  node: string;
  attempts: number;
  failedAttempts: number;
  busyMs: number;
  phases: NodePhaseTiming[];
}

export interface SlowStep {
  phaseKey: string;
  stepKey: string;
  stepTitle: string;
  node: string;
  /** Finished attempts of this step on this node. */
  runs: number;
  medianMs: number;
  maxMs: number;
  /** The slowest attempt. */
  slowest: { deploymentId: string; attempt: number; durationMs: number };
  links: Links;
}

export function phaseTimings(deployments: DeploymentRecord[]): PhaseTiming[] {
  const byPhase = new Map<string, PhaseRunLine[]>();
  const epics = new Map<string, string | null>();
  for (const deployment of deployments) {
    for (const run of deployment.phaseRuns) {
      if (run.startedAt === null) continue;
      const line: PhaseRunLine = {
        deploymentId: deployment.id,
        environment: deployment.environment,
        status: run.status,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        durationMs: elapsedMs(run.startedAt, run.finishedAt),
        retried: deployment.stepAttempts.some((attempt) => attempt.phaseKey === run.phaseKey && attempt.attempt > 1),
        links: links({ epicKey: run.epicKey, issueKey: run.epicKey, deploymentId: deployment.id, confluencePage: run.page }),
      };
      addTo(byPhase, run.phaseKey, line);
      epics.set(run.phaseKey, run.epicKey ?? epics.get(run.phaseKey) ?? null);
    }
  }
  const phases = [...byPhase.entries()].map(([phaseKey, unsorted]): PhaseTiming => {
    const runs = sortBy(
      unsorted,
      (run) => run.startedAt.getTime(),
      (run) => run.deploymentId,
    );
    const good = runs.filter((run) => run.status === 'succeeded' && !run.retried && run.durationMs !== null).map((run) => run.durationMs!);
    return {
      phaseKey,
      epicKey: epics.get(phaseKey) ?? null,
      runs,
      succeeded: runs.filter((run) => run.status === 'succeeded').length,
      failed: runs.filter((run) => run.status === 'failed').length,
      medianMs: roundMs(median(good)),
      maxMs: good.length > 0 ? Math.max(...good) : null,
      trend: trendOf(good),
    };
  });
  // In the order the phases first ran, as the runbook reads.
  return phases.sort((a, b) => a.runs[0].startedAt.getTime() - b.runs[0].startedAt.getTime() || compareText(a.phaseKey, b.phaseKey));
}

const durationOf = (attempt: StepAttemptRecord): number => attempt.durationMs ?? elapsedMs(attempt.startedAt, attempt.finishedAt) ?? 0;

export function nodeTimings(deployments: DeploymentRecord[]): NodeTiming[] {
  // node → phase → runs
  const table = new Map<string, Map<string, NodePhaseRun[]>>();
  for (const deployment of deployments) {
    const groups = new Map<string, StepAttemptRecord[]>();
    for (const attempt of deployment.stepAttempts) {
      if (attempt.startedAt === null) continue;
      const key = `${attempt.node}\u0000${attempt.phaseKey}`;
      addTo(groups, key, attempt);
    }
    for (const [key, attempts] of groups) {
      const [node, phaseKey] = key.split('\u0000');
      const phase = phaseRunOf(deployment, phaseKey);
      const starts = attempts.map((a) => a.startedAt!.getTime());
      const ends = attempts.map((a) => a.finishedAt?.getTime() ?? Number.NaN);
      const run: NodePhaseRun = {
        deploymentId: deployment.id,
        startedAt: new Date(Math.min(...starts)),
        busyMs: attempts.reduce((sum, attempt) => sum + durationOf(attempt), 0),
        wallMs: ends.some(Number.isNaN) ? null : Math.max(...ends) - Math.min(...starts),
        attempts: attempts.length,
        failedAttempts: attempts.filter((attempt) => attempt.status === 'failed').length,
        phaseStatus: phase?.status ?? 'pending',
        links: links({ epicKey: phase?.epicKey ?? null, deploymentId: deployment.id, confluencePage: phase?.page ?? null }),
      };
      const phases = table.get(node) ?? new Map<string, NodePhaseRun[]>();
      addTo(phases, phaseKey, run);
      table.set(node, phases);
    }
  }
  const nodes = [...table.entries()].map(([node, phases]): NodeTiming => {
    const phaseLines = [...phases.entries()].map(([phaseKey, unsorted]): NodePhaseTiming => {
      const runs = sortBy(
        unsorted,
        (run) => run.startedAt.getTime(),
        (run) => run.deploymentId,
      );
      return { phaseKey, runs, trend: trendOf(runs.filter((run) => run.phaseStatus === 'succeeded').map((run) => run.busyMs)) };
    });
    phaseLines.sort((a, b) => a.runs[0].startedAt.getTime() - b.runs[0].startedAt.getTime() || compareText(a.phaseKey, b.phaseKey));
    const all = phaseLines.flatMap((phase) => phase.runs);
    return {
      node,
      attempts: all.reduce((sum, run) => sum + run.attempts, 0),
      failedAttempts: all.reduce((sum, run) => sum + run.failedAttempts, 0),
      busyMs: all.reduce((sum, run) => sum + run.busyMs, 0),
      phases: phaseLines,
    };
  });
  return sortBy(nodes, (node) => node.node);
}

/** Steps by their slowest finished attempt, per node; the `limit` slowest. */
export function slowestSteps(deployments: DeploymentRecord[], limit: number): SlowStep[] {
  const groups = new Map<string, Array<{ deployment: DeploymentRecord; attempt: StepAttemptRecord; ms: number }>>();
  for (const deployment of deployments) {
    for (const attempt of deployment.stepAttempts) {
      if (attempt.finishedAt === null || attempt.startedAt === null) continue;
      const key = [attempt.phaseKey, attempt.stepKey, attempt.node].join('\u0000');
      addTo(groups, key, { deployment, attempt, ms: durationOf(attempt) });
    }
  }
  const steps = [...groups.values()].map((runs): SlowStep => {
    const slowest = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
    const { attempt } = slowest;
    return {
      phaseKey: attempt.phaseKey,
      stepKey: attempt.stepKey,
      stepTitle: attempt.stepTitle,
      node: attempt.node,
      runs: runs.length,
      medianMs: roundMs(median(runs.map((run) => run.ms)))!,
      maxMs: slowest.ms,
      slowest: { deploymentId: slowest.deployment.id, attempt: attempt.attempt, durationMs: slowest.ms },
      links: attemptLinks(slowest.deployment, attempt),
    };
  });
  return steps
    .sort(
      (a, b) =>
        b.maxMs - a.maxMs || compareText(a.phaseKey, b.phaseKey) || compareText(a.stepKey, b.stepKey) || compareText(a.node, b.node),
    )
    .slice(0, limit);
}

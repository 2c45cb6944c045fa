import type { DeploymentRecord, DeploymentStatus, PhaseRunStatus } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import { compareText } from './stats.js';

export interface TimelineBar {
  phaseKey: string;
  status: PhaseRunStatus;
  /** From the deployment's start. */
  startOffsetMs: number;
  /** Until the phase finished, or until the report's moment while it runs. */
  durationMs: number;
  links: Links;
}

/** The phases of one deployment on its own clock: what the phase timeline chart draws. */
export interface DeploymentTimeline {
  deploymentId: string;
  environment: string;
  status: DeploymentStatus;
  startedAt: Date;
  finishedAt: Date | null;
  bars: TimelineBar[];
}

export function deploymentTimelines(deployments: DeploymentRecord[], asOf: Date): DeploymentTimeline[] {
  const timelines: DeploymentTimeline[] = [];
  for (const deployment of deployments) {
    const started = deployment.phaseRuns.filter((run) => run.startedAt !== null);
    const origin =
      deployment.startedAt ?? (started.length > 0 ? new Date(Math.min(...started.map((run) => run.startedAt!.getTime()))) : null);
    if (origin === null) continue;
    const bars = started
      .map(
        (run): TimelineBar => ({
          phaseKey: run.phaseKey,
          status: run.status,
          startOffsetMs: run.startedAt!.getTime() - origin.getTime(),
          durationMs: Math.max(0, (run.finishedAt ?? asOf).getTime() - run.startedAt!.getTime()),
          links: links({ epicKey: run.epicKey, issueKey: run.epicKey, deploymentId: deployment.id, confluencePage: run.page }),
        }),
      )
      .sort((a, b) => a.startOffsetMs - b.startOffsetMs || compareText(a.phaseKey, b.phaseKey));
    timelines.push({
      deploymentId: deployment.id,
      environment: deployment.environment,
      status: deployment.status,
      startedAt: origin,
      finishedAt: deployment.finishedAt,
      bars,
    });
  }
  return timelines.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

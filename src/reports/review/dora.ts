import type { DeploymentRecord, DeploymentStatus } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import { deploymentFailed, firstFailureAt } from './ledger.js';
import { DAY_MS, type SprintWindow, within } from './sprint-window.js';
import { addTo, mean, median, round, roundMs, sortBy } from './stats.js';

export interface DeploymentFrequency {
  /** Successful deployments that finished in the window (dry runs never count). */
  successfulDeployments: number;
  /** Whole days from the sprint's start to the report's moment, at least 1. */
  days: number;
  /** successfulDeployments / days, 2 decimals. */
  perDay: number;
  deploymentIds: string[];
}

export interface LeadTimeSample {
  deploymentId: string;
  environment: string;
  /** The issue whose JIRA transition asked for the deployment. */
  issueKey: string;
  transitionedAt: Date;
  deployedAt: Date;
  leadTimeMs: number;
  links: Links;
}

export interface LeadTime {
  samples: LeadTimeSample[];
  medianMs: number | null;
  meanMs: number | null;
}

export interface ChangeFailureRate {
  /** Deployments that finished (succeeded or failed) in the window. */
  finishedDeployments: number;
  /** Of those, the ones that failed, or needed a retry after a failed step to succeed. */
  failedDeployments: number;
  /** failed / finished, 4 decimals; null when none finished. */
  rate: number | null;
  failed: Array<{ deploymentId: string; environment: string; status: DeploymentStatus; links: Links }>;
}

/** An environment broken by a failed deployment, until a deployment to it succeeded again. */
export interface Incident {
  environment: string;
  failedAt: Date;
  /** Every failed deployment while it lasted, first one first. */
  failedDeploymentIds: string[];
  restoredAt: Date | null;
  restoredByDeploymentId: string | null;
  durationMs: number | null;
  /** For an incident still open at the report's moment. */
  openForMs: number | null;
  links: Links;
}

export interface TimeToRestore {
  incidents: Incident[];
  restored: number;
  open: number;
  /** Over restored incidents. */
  medianMs: number | null;
  meanMs: number | null;
}

export interface DoraKeys {
  deploymentFrequency: DeploymentFrequency;
  leadTime: LeadTime;
  changeFailureRate: ChangeFailureRate;
  timeToRestore: TimeToRestore;
}

export function doraKeys(deployments: DeploymentRecord[], window: SprintWindow): DoraKeys {
  const { startAt, asOf } = window;
  const finished = deployments.filter((d) => (d.status === 'succeeded' || d.status === 'failed') && within(d.finishedAt, startAt, asOf));
  const succeeded = finished.filter((d) => d.status === 'succeeded');
  const days = Math.max(1, Math.ceil((asOf.getTime() - startAt.getTime()) / DAY_MS));

  const samples = succeeded
    .filter((d) => d.jiraTrigger !== null)
    .map(
      (d): LeadTimeSample => ({
        deploymentId: d.id,
        environment: d.environment,
        issueKey: d.jiraTrigger!.issueKey,
        transitionedAt: d.jiraTrigger!.transitionedAt,
        deployedAt: d.finishedAt!,
        leadTimeMs: d.finishedAt!.getTime() - d.jiraTrigger!.transitionedAt.getTime(),
        links: links({ issueKey: d.jiraTrigger!.issueKey, deploymentId: d.id }),
      }),
    );
  const failed = finished.filter(deploymentFailed);

  return {
    deploymentFrequency: {
      successfulDeployments: succeeded.length,
      days,
      perDay: round(succeeded.length / days, 2),
      deploymentIds: succeeded.map((d) => d.id),
    },
    leadTime: {
      samples,
      medianMs: roundMs(median(samples.map((s) => s.leadTimeMs))),
      meanMs: roundMs(mean(samples.map((s) => s.leadTimeMs))),
    },
    changeFailureRate: {
      finishedDeployments: finished.length,
      failedDeployments: failed.length,
      rate: finished.length === 0 ? null : round(failed.length / finished.length, 4),
      failed: failed.map((d) => ({
        deploymentId: d.id,
        environment: d.environment,
        status: d.status,
        links: links({ deploymentId: d.id }),
      })),
    },
    timeToRestore: timeToRestore(deployments, window),
  };
}

function timeToRestore(deployments: DeploymentRecord[], window: SprintWindow): TimeToRestore {
  type Event = { at: Date; kind: 'failure' | 'success'; deployment: DeploymentRecord };
  const byEnvironment = new Map<string, Event[]>();
  for (const deployment of deployments) {
    const events: Event[] = [];
    const failedAt = deploymentFailed(deployment) ? firstFailureAt(deployment) : null;
    if (within(failedAt, window.startAt, window.asOf)) events.push({ at: failedAt, kind: 'failure', deployment });
    if (deployment.status === 'succeeded' && within(deployment.finishedAt, window.startAt, window.asOf)) {
      events.push({ at: deployment.finishedAt, kind: 'success', deployment });
    }
    addTo(byEnvironment, deployment.environment, ...events);
  }
  const incidents: Incident[] = [];
  for (const [environment, events] of byEnvironment) {
    let open: Incident | null = null;
    // A failure and a success at the same instant: the failure first, so the success restores it.
    for (const event of sortBy(events, (e) => e.at.getTime() * 2 + (e.kind === 'failure' ? 0 : 1))) {
      if (event.kind === 'failure') {
        if (open === null) {
          open = {
            environment,
            failedAt: event.at,
            failedDeploymentIds: [],
            restoredAt: null,
            restoredByDeploymentId: null,
            durationMs: null,
            openForMs: null,
            links: links({ deploymentId: event.deployment.id }),
          };
          incidents.push(open);
        }
        if (!open.failedDeploymentIds.includes(event.deployment.id)) open.failedDeploymentIds.push(event.deployment.id);
      } else if (open !== null) {
        open.restoredAt = event.at;
        open.restoredByDeploymentId = event.deployment.id;
        open.durationMs = event.at.getTime() - open.failedAt.getTime();
        open = null;
      }
    }
    if (open !== null) open.openForMs = window.asOf.getTime() - open.failedAt.getTime();
  }
  const durations = incidents.map((i) => i.durationMs).filter((ms): ms is number => ms !== null);
  return {
    incidents: sortBy(incidents, (i) => i.failedAt.getTime()),
    restored: durations.length,
    open: incidents.length - durations.length,
    medianMs: roundMs(median(durations)),
    meanMs: roundMs(mean(durations)),
  };
}

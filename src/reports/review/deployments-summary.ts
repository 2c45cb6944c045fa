import type { DeploymentRecord, DeploymentStatus, DeploymentTrigger, JiraTrigger } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import { deploymentFailed } from './ledger.js';
import { elapsedMs } from './stats.js';

export interface DeploymentLine {
  id: string;
  environment: string;
  trigger: DeploymentTrigger;
  requester: string;
  status: DeploymentStatus;
  /** It failed, or a step failed before a retry made it succeed. */
  failed: boolean;
  jiraTrigger: JiraTrigger | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  links: Links;
}

export interface DeploymentsSummary {
  /** Real deployments (dry runs excluded). */
  total: number;
  byStatus: Record<DeploymentStatus, number>;
  /** Dry runs of the sprint, left out of every number. */
  dryRunsExcluded: number;
  list: DeploymentLine[];
}

export function deploymentsSummary(real: DeploymentRecord[], all: DeploymentRecord[]): DeploymentsSummary {
  const byStatus: Record<DeploymentStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const deployment of real) byStatus[deployment.status]++;
  return {
    total: real.length,
    byStatus,
    dryRunsExcluded: all.filter((deployment) => deployment.dryRun).length,
    list: real.map((deployment) => ({
      id: deployment.id,
      environment: deployment.environment,
      trigger: deployment.trigger,
      requester: deployment.requester,
      status: deployment.status,
      failed: deploymentFailed(deployment),
      jiraTrigger: deployment.jiraTrigger,
      createdAt: deployment.createdAt,
      startedAt: deployment.startedAt,
      finishedAt: deployment.finishedAt,
      durationMs: elapsedMs(deployment.startedAt, deployment.finishedAt),
      links: links({ deploymentId: deployment.id, issueKey: deployment.jiraTrigger?.issueKey ?? null }),
    })),
  };
}

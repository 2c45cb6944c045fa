import { Injectable } from '@nestjs/common';
import { confluenceSite } from '../config/confluence-config.js';
import { jiraSite } from '../config/jira-config.js';
import { Runtime } from '../config/runtime.js';
import { JobQueue, type JobView } from '../infra/queue/job-queue.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { ConfluencePageRepository } from '../persistence/repositories/confluence-page.repository.js';
import { JiraLinkRepository } from '../persistence/repositories/jira-link.repository.js';

export type SyncState = 'in_sync' | 'pending' | 'failing' | 'off';

export interface JiraPhaseSync {
  state: SyncState;
  epicKey?: string;
  stories?: { storyKey: string; issueKey: string }[];
  reason?: string;
}

export interface ConfluencePhaseSync {
  state: SyncState;
  pageUrl?: string;
  version?: number;
  reason?: string;
}

export interface PhaseSync {
  jira: JiraPhaseSync;
  confluence: ConfluencePhaseSync;
}

interface DeploymentRef {
  id: string;
  environmentId: string;
  runbookKey: string;
  phaseRuns: { phaseKey: string; finishedAt: Date | null }[];
}

const LIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

const ofDeployment = (job: JobView, deploymentId: string) => (job.data as { deploymentId?: unknown } | null)?.deploymentId === deploymentId;

/**
 * Per phase of a deployment: what the configured JIRA site + project and Confluence site + space
 * confirmed (links and page rows OpSprint wrote after the site answered), or why not yet.
 */
@Injectable()
export class DeploymentSyncStateService {
  constructor(
    private readonly runtime: Runtime,
    private readonly queue: JobQueue,
    private readonly links: JiraLinkRepository,
    private readonly pages: ConfluencePageRepository,
    private readonly audit: AuditRepository,
  ) {}

  async forDeployment(deployment: DeploymentRef): Promise<Map<string, PhaseSync>> {
    const [jira, confluence] = await Promise.all([this.jira(deployment), this.confluence(deployment)]);
    return new Map(deployment.phaseRuns.map((phase) => [phase.phaseKey, { jira: jira(phase), confluence: confluence(phase) }]));
  }

  /** Jobs of this deployment on a queue: still to do, and the newest failure. */
  private async jobsOf(queueName: 'jira' | 'confluence', deploymentId: string): Promise<{ live: boolean; failed?: string }> {
    const jobs = (await this.queue.jobs(queueName, ['waiting', 'active', 'delayed', 'failed'])).filter((job) =>
      ofDeployment(job, deploymentId),
    );
    const failed = jobs.find((job) => job.state === 'failed');
    return { live: jobs.some((job) => LIVE.has(job.state)), failed: failed ? (failed.failedReason ?? 'the job failed') : undefined };
  }

  private async jira(deployment: DeploymentRef): Promise<(phase: DeploymentRef['phaseRuns'][number]) => JiraPhaseSync> {
    const config = this.runtime.config.jira;
    if (!config) return () => ({ state: 'off', reason: 'JIRA is not configured' });
    const [links, jobs, finalError] = await Promise.all([
      this.links.list(deployment.environmentId, deployment.runbookKey, jiraSite(config)),
      this.jobsOf('jira', deployment.id),
      this.audit.latest('jira.sync.failed', deployment.id),
    ]);
    const detail = finalError?.detail as { message?: unknown; hint?: unknown } | null | undefined;
    const recorded = detail && typeof detail.message === 'string' ? `${detail.message} (${String(detail.hint ?? '')})` : undefined;
    return (phase) => {
      if (jobs.live || !phase.finishedAt) return { state: 'pending' };
      const reason = jobs.failed ?? recorded;
      if (reason) return { state: 'failing', reason };
      const epic = links.find((link) => link.entityType === 'epic' && link.entityKey === phase.phaseKey);
      if (!epic) return { state: 'pending', reason: 'no epic confirmed by JIRA yet' };
      const prefix = `${phase.phaseKey}/`;
      const stories = links
        .filter((link) => link.entityType === 'story' && link.entityKey.startsWith(prefix))
        .map((link) => ({ storyKey: link.entityKey.slice(prefix.length), issueKey: link.issueKey }))
        .sort((a, b) => a.storyKey.localeCompare(b.storyKey));
      return { state: 'in_sync', epicKey: epic.issueKey, stories };
    };
  }

  private async confluence(deployment: DeploymentRef): Promise<(phase: DeploymentRef['phaseRuns'][number]) => ConfluencePhaseSync> {
    const config = this.runtime.config.confluence;
    if (!config) return () => ({ state: 'off', reason: 'Confluence is not configured' });
    const [rows, jobs, published, skipped] = await Promise.all([
      this.pages.list(deployment.environmentId, confluenceSite(config)),
      this.jobsOf('confluence', deployment.id),
      this.audit.latest('confluence.published', deployment.id),
      this.audit.latest('confluence.skipped', deployment.id),
    ]);
    const detail = published?.detail as { pages?: { key?: unknown; url?: unknown; version?: unknown }[] } | null | undefined;
    const skippedReason = (skipped?.detail as { skipped?: unknown } | null | undefined)?.skipped;
    return (phase) => {
      if (jobs.live || !phase.finishedAt) return { state: 'pending' };
      if (jobs.failed) return { state: 'failing', reason: jobs.failed };
      const key = `phase:${phase.phaseKey}`;
      const row = rows.find((page) => page.key === key);
      const page = detail?.pages?.find((candidate) => candidate.key === key);
      if (row && page && typeof page.url === 'string' && typeof page.version === 'number')
        return { state: 'in_sync', pageUrl: page.url, version: page.version };
      if (!published && typeof skippedReason === 'string') return { state: 'in_sync', reason: `not published: ${skippedReason}` };
      return { state: 'pending', reason: 'no page confirmed by Confluence yet' };
    };
  }
}

import { Injectable } from '@nestjs/common';
import { confluenceSite } from '../config/confluence-config.js';
import { jiraSite } from '../config/jira-config.js';
import { Runtime } from '../config/runtime.js';
import { JobQueue, type JobView } from '../infra/queue/job-queue.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { ConfluencePageRepository } from '../persistence/repositories/confluence-page.repository.js';
import { latestOutcome, phaseOfPage, type SyncOutcome } from '../integrations/sync-outcomes.js';
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
/** The phase a job was queued for (a phase's event or publish); null when it is the whole deployment's. */
const phaseOfJob = (job: JobView): string | null => {
  const phaseKey = (job.data as { phaseKey?: unknown } | null)?.phaseKey;
  return typeof phaseKey === 'string' ? phaseKey : null;
};
const concerns = (phaseKey: string | null, phase: string) => phaseKey === null || phaseKey === phase;
const detailOf = (detail: unknown) => (detail && typeof detail === 'object' ? (detail as Record<string, unknown>) : {});
const retrying = (reason: string | undefined, live: boolean) => `${reason ?? 'the job failed'}${live ? ' (retrying)' : ''}`;

/**
 * Per phase of a deployment: what the configured JIRA site + project and Confluence site + space
 * confirmed (links and page rows OpSprint wrote after the site answered), or why not yet. Failures
 * and successes are read per phase where the job was a phase's (its job data and audit record
 * carry the phase key), and the latest outcome per phase and system wins: one phase's failed page
 * leaves the others in sync, and a later success clears an older failure.
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

  /** Jobs of this deployment on a queue: still to do, and failed for good. */
  private async jobsOf(queueName: 'jira' | 'confluence', deploymentId: string): Promise<{ live: JobView[]; failed: JobView[] }> {
    const jobs = (await this.queue.jobs(queueName, ['waiting', 'active', 'delayed', 'failed'])).filter((job) =>
      ofDeployment(job, deploymentId),
    );
    return { live: jobs.filter((job) => LIVE.has(job.state)), failed: jobs.filter((job) => job.state === 'failed') };
  }

  private async jira(deployment: DeploymentRef): Promise<(phase: DeploymentRef['phaseRuns'][number]) => JiraPhaseSync> {
    const config = this.runtime.config.jira;
    if (!config) return () => ({ state: 'off', reason: 'JIRA is not configured' });
    const [links, jobs, finalErrors] = await Promise.all([
      this.links.list(deployment.environmentId, deployment.runbookKey, jiraSite(config)),
      this.jobsOf('jira', deployment.id),
      this.audit.forTargets('jira.sync.failed', [deployment.id]),
    ]);
    const failures: SyncOutcome[] = [
      ...finalErrors.map((event) => {
        const detail = detailOf(event.detail);
        const reason = typeof detail.message === 'string' ? `${detail.message} (${String(detail.hint ?? '')})` : undefined;
        return { at: event.at, phaseKey: typeof detail.phaseKey === 'string' ? detail.phaseKey : null, ok: false, reason };
      }),
      ...jobs.failed.map((job) => ({ at: new Date(job.finishedOn ?? 0), phaseKey: phaseOfJob(job), ok: false, reason: job.failedReason })),
    ];
    // Successes matter only after a failure: the jobs that went through since (a phase's event for
    // its phase, a backlog sync for every phase) are read only then.
    const successes: SyncOutcome[] =
      failures.length === 0
        ? []
        : (await this.queue.jobs('jira', ['completed']))
            .filter((job) => ofDeployment(job, deployment.id) && (phaseOfJob(job) !== null || job.name === 'jira:sync-backlog'))
            .map((job) => ({ at: new Date(job.finishedOn ?? 0), phaseKey: phaseOfJob(job), ok: true }));
    const outcomes = [...failures, ...successes];
    return (phase) => {
      if (!phase.finishedAt) return { state: 'pending' };
      const live = jobs.live.some((job) => concerns(phaseOfJob(job), phase.phaseKey));
      const latest = latestOutcome(outcomes, phase.phaseKey);
      if (latest && !latest.ok) return { state: 'failing', reason: retrying(latest.reason, live) };
      if (live) return { state: 'pending' };
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
    const [rows, jobs, published, failed, skipped] = await Promise.all([
      this.pages.list(deployment.environmentId, confluenceSite(config)),
      this.jobsOf('confluence', deployment.id),
      this.audit.forTargets('confluence.published', [deployment.id]),
      this.audit.forTargets('confluence.publish.failed', [deployment.id]),
      this.audit.latest('confluence.skipped', deployment.id),
    ]);
    type PageSeen = { key?: unknown; url?: unknown; version?: unknown; reason?: unknown };
    const pagesOf = (detail: unknown) => (Array.isArray(detailOf(detail).pages) ? (detailOf(detail).pages as PageSeen[]) : []);
    const outcomes: SyncOutcome[] = [
      ...published.flatMap((event) =>
        pagesOf(event.detail)
          .filter((page) => phaseOfPage(page.key) !== null)
          .map((page) => ({ at: event.at, phaseKey: phaseOfPage(page.key), ok: true })),
      ),
      ...failed.flatMap((event) => {
        const pages = pagesOf(event.detail);
        // No pages: the whole tree failed (its root, or the deployment's data), so every phase did.
        if (pages.length === 0) return [{ at: event.at, phaseKey: null, ok: false, reason: String(detailOf(event.detail).reason ?? '') }];
        return pages.map((page) => ({ at: event.at, phaseKey: phaseOfPage(page.key), ok: false, reason: String(page.reason ?? '') }));
      }),
      // A job that failed for good without a record of its own (its worker died) is the whole tree's.
      ...(failed.length === 0
        ? jobs.failed.map((job) => ({ at: new Date(job.finishedOn ?? 0), phaseKey: null, ok: false, reason: job.failedReason }))
        : []),
    ];
    const skippedReason = detailOf(skipped?.detail).skipped;
    // A publish job still to do may concern any phase (the deployment's end publishes the whole
    // tree), unless the phase's page was confirmed since its last failure (a retry for another page
    // changes nothing here).
    const live = jobs.live.length > 0;
    return (phase) => {
      if (!phase.finishedAt) return { state: 'pending' };
      const latest = latestOutcome(outcomes, phase.phaseKey);
      if (latest && !latest.ok) return { state: 'failing', reason: retrying(latest.reason, live) };
      if (live && !latest?.ok) return { state: 'pending' };
      const key = `phase:${phase.phaseKey}`;
      const row = rows.find((page) => page.key === key);
      const page = published
        .flatMap((event) => pagesOf(event.detail))
        .filter((candidate) => candidate.key === key)
        .at(-1);
      if (row && page && typeof page.url === 'string' && typeof page.version === 'number')
        return { state: 'in_sync', pageUrl: page.url, version: page.version };
      if (published.length === 0 && typeof skippedReason === 'string')
        return { state: 'in_sync', reason: `not published: ${skippedReason}` };
      return { state: 'pending', reason: 'no page confirmed by Confluence yet' };
    };
  }
}

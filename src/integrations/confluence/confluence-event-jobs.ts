import { Inject, Injectable } from '@nestjs/common';
import { ConfluenceConfig, confluenceSite } from '../../config/confluence-config.js';
import { OnDeploymentEvent } from '../../infra/events/deployment-event-bus.js';
import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import type { JobPayloads } from '../../infra/queue/jobs.js';
import { OnJob } from '../../infra/queue/on-job.js';
import { EVENTFUL_STEP } from '../../persistence/ledger-status.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { ConfluencePageRepository } from '../../persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../../persistence/repositories/deployment.repository.js';
import type { DeploymentRecord } from '../../persistence/records.js';
import { SecretValues } from '../secret-values.js';
import { ConfluencePublisher, PagesNotPublishedError, type PublishResult } from './publisher.service.js';

type PublishDeploymentJob = JobPayloads['confluence:publish-deployment'];

/**
 * `confluence.publish.failed`: the pages that failed (each a phase's), or only a reason when the
 * whole tree failed (the root, the deployment's data); `phaseKey` is the phase whose finish queued the job.
 */
type FailureDetail = { phaseKey: string | null; pages: { key: string; reason: string }[] } | { phaseKey: string | null; reason: string };

function failureDetail(job: PublishDeploymentJob, error: unknown): FailureDetail {
  if (error instanceof PagesNotPublishedError) return { phaseKey: job.phaseKey ?? null, pages: error.failures };
  return { phaseKey: job.phaseKey ?? null, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0]! };
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order they were written in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );

/**
 * Deployment events → the `confluence` queue → the page tree. Only enqueues from the follower.
 * Each finished phase (its page and the root) and the finish of the deployment (the whole tree)
 * get their own job id (the timestamp makes a retried deployment publish again), so the final
 * state is always published; pages whose content did not change are left alone by the publisher.
 * A check-mode run publishes nothing: the pages keep the evidence of the last real run (its
 * result is in the API).
 */
@Injectable()
export class ConfluenceEventJobs {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly pages: ConfluencePageRepository,
    private readonly audit: AuditRepository,
    private readonly queue: JobQueue,
    private readonly secrets: SecretValues,
    private readonly publisher: ConfluencePublisher,
    @Inject(ConfluenceConfig) private readonly config: Pick<ConfluenceConfig, 'baseUrl' | 'spaceKey'>,
  ) {}

  @OnDeploymentEvent()
  async enqueue(event: DeploymentEvent): Promise<void> {
    if (event.type !== 'phase.finished' && event.type !== 'deployment.finished') return;
    const which = event.type === 'phase.finished' ? event.phaseKey : 'final';
    await this.queue.add(
      'confluence:publish-deployment',
      {
        deploymentId: event.deploymentId,
        environmentId: event.environmentId,
        ...(event.type === 'phase.finished' ? { phaseKey: event.phaseKey } : {}),
      },
      { jobId: `confluence-${event.deploymentId}-${which}-${Date.parse(event.at)}` },
    );
  }

  @OnJob('confluence:publish-deployment')
  async publish(
    job: PublishDeploymentJob,
  ): Promise<{ rootUrl: string; created: number; updated: number; unchanged: number; skipped?: string }> {
    const pages = await this.pages.list(job.environmentId, confluenceSite(this.config));
    const root = pages.find((page) => page.key === 'root');
    const deployment = await this.deployments.find(job.deploymentId);
    // The pages show the run that last changed the environment; a run that only found everything
    // in place would churn versions (and notify watchers) to say nothing new, and a check-mode run
    // would overwrite real evidence with what might happen.
    const skipped = deployment?.dryRun
      ? 'check mode (dry run): the pages keep the last real run'
      : root && deployment && (await this.changedNothing(deployment))
        ? 'the deployment changed nothing on any node'
        : null;
    if (skipped) {
      const summary = { rootUrl: '', created: 0, updated: 0, unchanged: pages.length, skipped };
      await this.audit.record('confluence-publisher', 'confluence.skipped', job.deploymentId, summary);
      return summary;
    }
    const secrets = await this.secrets.secretValues(job.environmentId);
    let result: PublishResult;
    try {
      result = await this.publisher.publishDeployment(job.deploymentId, { secrets, phaseKey: job.phaseKey });
    } catch (error) {
      // What was published is in sync; what failed says why, per page (per phase), then the job is
      // retried. A retry that fails the same way and changes no page records nothing new.
      const detail = failureDetail(job, error);
      const partial = error instanceof PagesNotPublishedError ? error.result : undefined;
      const changedPages = partial?.pages.some((page) => page.action !== 'unchanged') ?? false;
      if (changedPages || !(await this.sameFailureStands(job.deploymentId, detail))) {
        if (partial) await this.recordPublished(job, partial);
        await this.audit.record('confluence-publisher', 'confluence.publish.failed', job.deploymentId, detail);
      }
      throw error;
    }
    return this.recordPublished(job, result);
  }

  /** The audit trail is where the API, the sprint review and people find the page tree of a deployment, with each page's version. */
  private async recordPublished(job: PublishDeploymentJob, result: PublishResult) {
    const count = (action: string) => result.pages.filter((page) => page.action === action).length;
    const summary = { rootUrl: result.rootUrl, created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
    const published = result.pages.map((page) => ({ key: page.key, url: page.url, version: page.version }));
    await this.audit.record('confluence-publisher', 'confluence.published', job.deploymentId, { ...summary, pages: published });
    return summary;
  }

  /** The deployment's latest Confluence outcome is already this failure. */
  private async sameFailureStands(deploymentId: string, detail: FailureDetail): Promise<boolean> {
    const [failed, published] = await Promise.all([
      this.audit.latest('confluence.publish.failed', deploymentId),
      this.audit.latest('confluence.published', deploymentId),
    ]);
    if (!failed || canonical(failed.detail) !== canonical(detail)) return false;
    // A partial publish is recorded just before its failure, in the same attempt.
    return !published || published.at <= failed.at;
  }

  /** Every step that ran found its host already right, and none failed or was cut short. */
  private async changedNothing(deployment: Pick<DeploymentRecord, 'id' | 'status'>): Promise<boolean> {
    if (deployment.status === 'failed' || deployment.status === 'cancelled') return false;
    return (await this.deployments.countSteps(deployment.id, EVENTFUL_STEP)) === 0;
  }
}

import { Injectable } from '@nestjs/common';
import { OnDeploymentEvent } from '../../infra/events/deployment-event-bus.js';
import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import type { JobPayloads } from '../../infra/queue/jobs.js';
import { type JobContext, OnJob } from '../../infra/queue/on-job.js';
import { DeploymentRepository } from '../../persistence/repositories/deployment.repository.js';
import { LedgerRepository } from '../../persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import { JiraBacklogSync } from './backlog-sync.service.js';
import { JiraFinalErrors } from './jira-final-errors.js';
import { JiraRequestFeedback } from './request-feedback.service.js';
import { JiraStatusSync } from './status-sync.service.js';

type BacklogSyncJob = JobPayloads['jira:sync-backlog'];

/** One backlog sync per deployment start; the id lets the event jobs find out whether it finished. */
export const backlogSyncJobId = (event: { environmentId: string; deploymentId: string }) =>
  `jira-sync-${event.environmentId}-${event.deploymentId}`;

/**
 * Deployment events → the `jira` queue → JIRA. The follower only enqueues (a slow JIRA never
 * holds up SSH work); the handlers run one at a time on the jira queue, so a deployment's
 * backlog sync, enqueued on `deployment.started`, lands before its status updates. A check-mode
 * deployment enqueues nothing: it changes no status, no sprint and writes no comment.
 */
@Injectable()
export class JiraEventJobs {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly ledger: LedgerRepository,
    private readonly queue: JobQueue,
    private readonly catalog: RunbookCatalog,
    private readonly backlogSync: JiraBacklogSync,
    private readonly statusSync: JiraStatusSync,
    private readonly requestFeedback: JiraRequestFeedback,
    private readonly finalErrors: JiraFinalErrors,
  ) {}

  @OnDeploymentEvent()
  async enqueue(event: DeploymentEvent): Promise<void> {
    if (event.dryRun) return;
    // Nothing to tell JIRA: a passed story moves with its phase's end, a phase's start moves no issue.
    if (event.type === 'story.succeeded' || event.type === 'phase.started') return;
    if (event.type === 'deployment.started') {
      const job: BacklogSyncJob = {
        deploymentId: event.deploymentId,
        environmentId: event.environmentId,
        environmentName: event.environmentName,
      };
      await this.queue.add('jira:sync-backlog', job, { jobId: backlogSyncJobId(event) });
    }
    await this.queue.add('jira:deployment-event', event);
  }

  @OnJob('jira:sync-backlog')
  async syncBacklog(job: BacklogSyncJob): Promise<unknown> {
    const deployment = await this.deployments.find(job.deploymentId);
    if (!deployment) throw new Error(`deployment ${job.deploymentId} does not exist`);
    const runbook = this.catalog.get(deployment.runbookKey);
    if (!runbook) throw new Error(`runbook ${deployment.runbookKey} is not in this build`);
    const result = await this.finalErrors.guard('jira:sync-backlog', job.deploymentId, () =>
      this.backlogSync.sync({ id: job.environmentId, name: job.environmentName }, runbook),
    );
    await this.finalErrors.clear('jira:sync-backlog');
    return {
      created: result.created.length,
      updated: result.updated.length,
      unchanged: result.unchanged.length,
      warnings: result.warnings,
    };
  }

  @OnJob('jira:deployment-event')
  async applyEvent(event: DeploymentEvent, context: JobContext): Promise<void> {
    await this.waitForBacklogSync(event);
    if (context.attemptsMade > 0 && (await this.superseded(event))) return;
    await this.finalErrors.guard(
      'jira:deployment-event',
      event.deploymentId,
      async () => {
        await this.statusSync.onDeploymentEvent(event);
        if (event.type === 'deployment.finished') await this.requestFeedback.onFinished(event);
      },
      // A phase's event is that phase's alone: its failure must not mark the other phases failing.
      'phaseKey' in event ? event.phaseKey : undefined,
    );
  }

  /**
   * A failed sync is retried with backoff while later jobs move on: until it succeeds, an event
   * would find no issue to move, so it waits (throws, and BullMQ retries it later).
   */
  private async waitForBacklogSync(event: DeploymentEvent): Promise<void> {
    const state = await this.queue.jobState('jira:sync-backlog', backlogSyncJobId(event));
    if (state && state !== 'completed' && state !== 'failed' && state !== 'unknown') {
      throw new Error(`the JIRA backlog sync of deployment ${event.deploymentId} has not finished yet (${state})`);
    }
  }

  /**
   * A retried "started" job may run after its phase or story already finished (later jobs do not
   * wait for a failed one): moving the issue back to In Progress then would be wrong.
   */
  private async superseded(event: DeploymentEvent): Promise<boolean> {
    if (event.type !== 'story.started') return false;
    const phaseRun = await this.ledger.phaseRunOf(event.deploymentId, event.phaseKey);
    if (!phaseRun) return false;
    return (await this.ledger.countOpenSteps(phaseRun.id, event.storyKey)) === 0 || phaseRun.status !== 'running';
  }
}

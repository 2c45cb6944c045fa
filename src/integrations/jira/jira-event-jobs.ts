import type { PrismaClient } from '@prisma/client';
import type { DeploymentEvent, DeploymentEventListener } from '../../deployments/deployment-events.js';
import type { RunbookCatalog } from '../../runbooks/catalog.js';
import type { JobQueue } from '../../infra/queue/job-queue.js';
import type { JiraServices } from './jira.factory.js';

export interface BacklogSyncJob {
  deploymentId: string;
  environmentId: string;
  environmentName: string;
}

/** One backlog sync per deployment start; the id lets the event jobs find out whether it finished. */
export const backlogSyncJobId = (event: { environmentId: string; deploymentId: string }) =>
  `jira-sync-${event.environmentId}-${event.deploymentId}`;

/**
 * Deployment events → the `jira` queue → JIRA. The listener only enqueues (a slow JIRA never
 * holds up SSH work); the handlers run one at a time on the jira queue, so a deployment's
 * backlog sync, enqueued on `deployment.started`, lands before its status updates.
 */
export class JiraEventJobs implements DeploymentEventListener {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: JobQueue,
    private readonly catalog: RunbookCatalog,
    private readonly jira: Pick<JiraServices, 'backlogSync' | 'statusSync'>,
  ) {}

  async onDeploymentEvent(event: DeploymentEvent): Promise<void> {
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

  register(): void {
    this.queue.register('jira:sync-backlog', (job: BacklogSyncJob) => this.syncBacklog(job));
    this.queue.register('jira:deployment-event', (event: DeploymentEvent, context) => this.applyEvent(event, context.attemptsMade > 0));
  }

  async syncBacklog(job: BacklogSyncJob): Promise<unknown> {
    const deployment = await this.prisma.deployment.findUnique({ where: { id: job.deploymentId }, select: { runbookKey: true } });
    if (!deployment) throw new Error(`deployment ${job.deploymentId} does not exist`);
    const runbook = this.catalog.get(deployment.runbookKey);
    if (!runbook) throw new Error(`runbook ${deployment.runbookKey} is not in this build`);
    const result = await this.jira.backlogSync.sync({ id: job.environmentId, name: job.environmentName }, runbook);
    return {
      created: result.created.length,
      updated: result.updated.length,
      unchanged: result.unchanged.length,
      sprint: result.sprint,
      warnings: result.warnings,
    };
  }

  async applyEvent(event: DeploymentEvent, retried: boolean): Promise<void> {
    await this.waitForBacklogSync(event);
    if (retried && (await this.superseded(event))) return;
    await this.jira.statusSync.onDeploymentEvent(event);
  }

  /**
   * A failed sync is retried with backoff while later jobs move on: until it succeeds, an event
   * would find no issue to move, so it waits (throws, and BullMQ retries it later).
   */
  private async waitForBacklogSync(event: DeploymentEvent): Promise<void> {
    const sync = await this.queue.queue('jira').getJob(backlogSyncJobId(event));
    if (!sync) return;
    const state = await sync.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') {
      throw new Error(`the JIRA backlog sync of deployment ${event.deploymentId} has not finished yet (${state})`);
    }
  }

  /**
   * A retried "started" job may run after its phase or story already finished (later jobs do not
   * wait for a failed one): moving the issue back to In Progress then would be wrong.
   */
  private async superseded(event: DeploymentEvent): Promise<boolean> {
    if (event.type !== 'phase.started' && event.type !== 'story.started') return false;
    const phaseRun = await this.prisma.phaseRun.findFirst({
      where: { deploymentId: event.deploymentId, phaseKey: event.phaseKey },
      select: { id: true, status: true },
    });
    if (!phaseRun) return false;
    if (event.type === 'phase.started') return phaseRun.status !== 'running';
    const open = await this.prisma.stepRun.count({
      where: { phaseRunId: phaseRun.id, storyKey: event.storyKey, status: { in: ['pending', 'running'] } },
    });
    return open === 0 || phaseRun.status !== 'running';
  }
}

import type { PrismaClient } from '@prisma/client';
import type { DeploymentEvent, DeploymentEventListener } from '../../deployments/deployment-events.js';
import type { EnvironmentsService } from '../../environments/environments.service.js';
import type { JobQueue } from '../../infra/queue/job-queue.js';
import { environmentSecretValues } from '../environment-secrets.js';
import type { ConfluencePublisher } from './publisher.service.js';

export interface PublishDeploymentJob {
  deploymentId: string;
  environmentId: string;
}

/**
 * Deployment events → the `confluence` queue → the page tree. Only enqueues from the listener.
 * Each finished phase and the finish of the deployment get their own job id (the timestamp makes
 * a retried deployment publish again), so the final state is always published; pages whose
 * content did not change are left alone by the publisher.
 */
export class ConfluenceEventJobs implements DeploymentEventListener {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly queue: JobQueue,
    private readonly environments: EnvironmentsService,
    private readonly publisher: ConfluencePublisher,
  ) {}

  async onDeploymentEvent(event: DeploymentEvent): Promise<void> {
    if (event.type !== 'phase.finished' && event.type !== 'deployment.finished') return;
    const which = event.type === 'phase.finished' ? event.phaseKey : 'final';
    const job: PublishDeploymentJob = { deploymentId: event.deploymentId, environmentId: event.environmentId };
    await this.queue.add('confluence:publish-deployment', job, {
      jobId: `confluence-${event.deploymentId}-${which}-${Date.parse(event.at)}`,
    });
  }

  register(): void {
    this.queue.register('confluence:publish-deployment', (job: PublishDeploymentJob) => this.publish(job));
  }

  async publish(
    job: PublishDeploymentJob,
  ): Promise<{ rootUrl: string; created: number; updated: number; unchanged: number; skipped?: string }> {
    const pages = await this.prisma.confluencePage.findMany({ where: { environmentId: job.environmentId } });
    const root = pages.find((page) => page.key === 'root');
    if (root && (await this.changedNothing(job.deploymentId))) {
      // The pages show the run that last changed the environment; a run that only found
      // everything in place would churn versions (and notify watchers) to say nothing new.
      const summary = {
        rootUrl: '',
        created: 0,
        updated: 0,
        unchanged: pages.length,
        skipped: 'the deployment changed nothing on any node',
      };
      await this.prisma.auditEvent.create({
        data: { actor: 'confluence-publisher', action: 'confluence.skipped', target: job.deploymentId, detail: summary },
      });
      return summary;
    }
    const secrets = await environmentSecretValues(this.environments, job.environmentId);
    const result = await this.publisher.publishDeployment(job.deploymentId, { secrets });
    const count = (action: string) => result.pages.filter((page) => page.action === action).length;
    const summary = { rootUrl: result.rootUrl, created: count('created'), updated: count('updated'), unchanged: count('unchanged') };
    // The audit trail is where the API and people find the page tree of a deployment.
    await this.prisma.auditEvent.create({
      data: { actor: 'confluence-publisher', action: 'confluence.published', target: job.deploymentId, detail: summary },
    });
    return summary;
  }

  /** Every step that ran found its host already right, and none failed or was cut short. */
  private async changedNothing(deploymentId: string): Promise<boolean> {
    const deployment = await this.prisma.deployment.findUnique({ where: { id: deploymentId }, select: { status: true, dryRun: true } });
    if (!deployment || deployment.dryRun || deployment.status === 'failed' || deployment.status === 'cancelled') return false;
    const eventful = await this.prisma.stepRun.count({
      where: { deploymentId, status: { in: ['changed', 'failed', 'cancelled', 'would_change'] } },
    });
    return eventful === 0;
  }
}

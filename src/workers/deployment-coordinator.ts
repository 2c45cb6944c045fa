import type { PhaseRun, PrismaClient } from '@prisma/client';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import type { DeploymentEventBus } from '../deployments/deployment-event-bus.js';
import type { JobQueue } from '../infra/queue/job-queue.js';

export interface RunPhaseJob {
  deploymentId: string;
  phaseKey: string;
}

/**
 * Walks a deployment's phase DAG: after any phase ends (or the deployment is created, retried
 * or cancelled) it enqueues every phase whose dependencies are done, or closes the deployment
 * when nothing runs and nothing can start. The deployment row is locked while deciding, so two
 * workers finishing phases at the same moment cannot both decide.
 */
export class DeploymentCoordinator {
  constructor(
    private readonly db: PrismaClient,
    private readonly queue: JobQueue,
    private readonly catalog: RunbookCatalog,
    private readonly events: DeploymentEventBus,
  ) {}

  async advance(deploymentId: string): Promise<void> {
    const decision = await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Deployment" WHERE id = ${deploymentId} FOR UPDATE`;
      const deployment = await tx.deployment.findUnique({
        where: { id: deploymentId },
        include: { phaseRuns: true, environment: { select: { name: true } } },
      });
      if (!deployment || deployment.finishedAt) return undefined;
      const running = deployment.phaseRuns.filter((p) => p.status === 'running');

      if (deployment.status === 'cancelled') {
        await tx.phaseRun.updateMany({ where: { deploymentId, status: 'pending' }, data: { status: 'cancelled' } });
        if (running.length > 0) return { deployment, ready: [] as PhaseRun[] };
        return { deployment, ready: [] as PhaseRun[], finished: await this.close(tx, deploymentId, 'cancelled', deployment.error) };
      }

      const ready = this.readyPhases(deployment.runbookKey, deployment.phaseRuns);
      if (ready.length > 0 || running.length > 0) return { deployment, ready };
      const failed = deployment.phaseRuns.find((p) => p.status === 'failed');
      const status = deployment.phaseRuns.every((p) => p.status === 'succeeded') ? 'succeeded' : 'failed';
      const error =
        status === 'failed'
          ? (deployment.error ?? (failed ? `phase ${failed.phaseKey} failed` : 'phases could not start: a dependency failed'))
          : null;
      return { deployment, ready, finished: await this.close(tx, deploymentId, status, error) };
    });
    if (!decision) return;
    for (const phase of decision.ready) {
      // The job id makes this idempotent: advancing twice never runs a phase twice.
      await this.queue.add('deployments:run-phase', { deploymentId, phaseKey: phase.phaseKey } satisfies RunPhaseJob, {
        jobId: `${deploymentId}:${phase.phaseKey}:${phase.attempt}`,
      });
    }
    if (decision.finished) {
      await this.events.emit({
        type: 'deployment.finished',
        deploymentId,
        environmentId: decision.deployment.environmentId,
        environmentName: decision.deployment.environment.name,
        at: new Date().toISOString(),
        status: decision.finished.status,
        ...(decision.finished.error ? { error: decision.finished.error } : {}),
      });
    }
  }

  /** Pending phases whose dependencies (among the selected ones) have all succeeded. */
  private readyPhases(runbookKey: string, phaseRuns: PhaseRun[]): PhaseRun[] {
    const runbook = this.catalog.get(runbookKey);
    if (!runbook) throw new Error(`runbook ${runbookKey} is not in this build`);
    const byKey = new Map(phaseRuns.map((p) => [p.phaseKey, p]));
    return phaseRuns
      .filter((p) => p.status === 'pending')
      .filter((p) => {
        const phase = runbook.phases.find((candidate) => candidate.key === p.phaseKey);
        // A dependency outside the selection is taken as deployed before.
        return (phase?.dependsOn ?? []).every((dep) => !byKey.has(dep) || byKey.get(dep)!.status === 'succeeded');
      })
      .sort((a, b) => a.position - b.position);
  }

  private async close(
    tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0],
    deploymentId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: string | null,
  ): Promise<{ status: 'succeeded' | 'failed' | 'cancelled'; error: string | null }> {
    await tx.deployment.update({
      where: { id: deploymentId },
      data: { status, error, finishedAt: new Date(), activeEnvironmentId: null },
    });
    return { status, error };
  }
}

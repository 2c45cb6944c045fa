import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { LedgerRepository, type LockedDeployment } from '../persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { DeploymentCoordinator } from './deployment-coordinator.js';
import { phaseJobId } from './phase-job.js';

/** A phase whose job had to be queued again this often is failed instead: something keeps killing it. */
export const MAX_REQUEUES = 3;
const ACTOR = 'reconciler';
const ACTION = 'deployment.reconcile';

export interface ReconcileReport {
  /** `deploymentId/phaseKey` of phases queued again. */
  requeued: string[];
  /** `deploymentId/phaseKey` of phases failed (or cancelled, for a cancelled deployment) with the reason. */
  ended: string[];
  /** Deployments failed because they cannot go on in this build. */
  failed: string[];
}

/**
 * Deployments must not hold their environment for ever because Redis lost their jobs (a restart
 * without its data, a flush) or because the worker that ran them died with them. At start-up and
 * every RECONCILE_INTERVAL_MS this finds every unfinished deployment, queues again each running
 * phase that nobody runs (the phase runner resumes at its first unfinished step: no finished step
 * runs twice), cancels those of a cancelled deployment, and lets the coordinator re-add jobs of
 * ready phases and close what is done. What cannot go on is failed with the reason.
 *
 * Each process only enqueues the `deployments:reconcile` job; its job id per time slot makes one
 * run per slot across every process, and the run happens on a worker.
 */
@Injectable()
export class DeploymentReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly queue: JobQueue,
    private readonly coordinator: DeploymentCoordinator,
    private readonly audit: AuditRepository,
    private readonly catalog: RunbookCatalog,
    private readonly runtime: Runtime,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.runtime.config.app.RECONCILE_INTERVAL_MS;
    // Not awaited: start-up does not wait on Redis for this (start-up already checked Redis answers).
    this.enqueue('start-up');
    this.timer = setInterval(() => this.enqueue('schedule', `reconcile:${Math.floor(Date.now() / interval)}`), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private enqueue(trigger: 'start-up' | 'schedule', jobId?: string): void {
    this.queue
      .add('deployments:reconcile', { trigger }, { jobId })
      .catch((error: Error) => this.logger.warn(`cannot queue the reconciler: ${error.message}`));
  }

  /** One run at a time across every process (the start-up run of one process may meet another's scheduled run). */
  async reconcile(): Promise<ReconcileReport | undefined> {
    return this.queue.exclusive('reconcile', Math.max(60_000, this.runtime.config.app.RECONCILE_INTERVAL_MS), () => this.reconcileAll());
  }

  private async reconcileAll(): Promise<ReconcileReport> {
    const report: ReconcileReport = { requeued: [], ended: [], failed: [] };
    for (const deployment of await this.ledger.unfinished()) {
      try {
        await this.reconcileOne(deployment, report);
      } catch (error) {
        this.logger.warn(`deployment ${deployment.id}: ${(error as Error).message}`);
      }
    }
    if (report.requeued.length + report.ended.length + report.failed.length > 0)
      this.logger.warn(
        `reconciled: requeued ${report.requeued.join(', ') || '-'}; ended ${report.ended.join(', ') || '-'}; failed ${report.failed.join(', ') || '-'}`,
      );
    return report;
  }

  private async reconcileOne(deployment: LockedDeployment, report: ReconcileReport): Promise<void> {
    if (!this.catalog.get(deployment.runbookKey)) {
      // Every phase would fail to plan: say why instead of leaving the environment held.
      const error = `reconciler: runbook ${deployment.runbookKey} is not in this build, so the deployment cannot go on`;
      const closed = await this.ledger.advance(deployment.id, () => ({
        ready: [],
        cancelPending: true,
        close: { status: 'failed', error },
      }));
      if (closed) report.failed.push(deployment.id);
      return;
    }
    for (const phase of deployment.phaseRuns) {
      if (!(await this.coordinator.abandoned(deployment.id, phase))) continue;
      const name = `${deployment.id}/${phase.phaseKey}`;
      if (deployment.status === 'cancelled') {
        if (await this.coordinator.endAbandoned(deployment, phase, 'cancelled', null)) report.ended.push(name);
        continue;
      }
      const before = await this.audit.count(ACTION, deployment.id, { phaseKey: phase.phaseKey, action: 'requeued' });
      if (before >= MAX_REQUEUES) {
        const error = `phase ${phase.phaseKey} lost its worker and its job ${before + 1} times (workers killed or Redis data lost); the reconciler gave up: retry the deployment`;
        if (await this.coordinator.endAbandoned(deployment, phase, 'failed', error)) report.ended.push(name);
        continue;
      }
      const added = await this.queue.requeue(
        'deployments:run-phase',
        { deploymentId: deployment.id, phaseKey: phase.phaseKey },
        phaseJobId(deployment.id, phase.phaseKey, phase.attempt),
      );
      if (!added) continue;
      await this.audit.record(ACTOR, ACTION, deployment.id, {
        phaseKey: phase.phaseKey,
        action: 'requeued',
        reason: 'its job was gone from Redis and no worker had run it for JOB_LOCK_MS',
      });
      report.requeued.push(name);
    }
    // Ready phases whose jobs were lost are added again (same job ids); a cancelled or finished deployment closes.
    await this.coordinator.advance(deployment.id);
  }
}

import { Injectable } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';
import { DeploymentEventBus } from '../infra/events/deployment-event-bus.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import type { PhaseRunRecord } from '../persistence/records.js';
import { LedgerRepository, type LockedDeployment } from '../persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import type { Runbook } from '../runbooks/model.js';
import { decideAdvance } from './advance-decision.js';
import { phaseJobId } from './phase-job.js';

/**
 * Walks a deployment's phase DAG after any phase ends (or the deployment is created, retried or
 * cancelled): the decision is taken under the deployment's row lock, so two workers finishing
 * phases at the same moment cannot both decide; the phases it starts are enqueued after.
 */
@Injectable()
export class DeploymentCoordinator {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly queue: JobQueue,
    private readonly catalog: RunbookCatalog,
    private readonly events: DeploymentEventBus,
    private readonly runtime: Runtime,
  ) {}

  async advance(deploymentId: string): Promise<void> {
    const result = await this.ledger.advance(deploymentId, (deployment) =>
      decideAdvance(deployment, this.runbookOf(deployment.runbookKey)),
    );
    if (!result) return;
    const { deployment, decision } = result;
    for (const phase of decision.ready) {
      // The job id makes this idempotent: advancing twice never runs a phase twice. A job of that id
      // that ended without starting the phase (its attempts used up while PostgreSQL was away) is replaced.
      await this.queue.requeue(
        'deployments:run-phase',
        { deploymentId, phaseKey: phase.phaseKey },
        phaseJobId(deploymentId, phase.phaseKey, phase.attempt),
      );
    }
    if (decision.close) {
      await this.events.emit({
        type: 'deployment.finished',
        deploymentId,
        environmentId: deployment.environmentId,
        environmentName: deployment.environment.name,
        dryRun: deployment.dryRun,
        status: decision.close.status,
        ...(decision.close.error ? { error: decision.close.error } : {}),
      });
      return;
    }
    // A cancelled deployment waits for its running phases to stop; one whose worker and job are
    // both gone never will: end it here, so the cancel frees the environment.
    if (deployment.status === 'cancelled') {
      let ended = false;
      for (const phase of deployment.phaseRuns.filter((p) => p.status === 'running')) {
        if (await this.abandoned(deploymentId, phase)) ended = (await this.endAbandoned(deployment, phase, 'cancelled', null)) || ended;
      }
      if (ended) await this.advance(deploymentId);
    }
  }

  /**
   * A running phase nobody runs: its job is neither waiting, delayed nor active in Redis (lost with
   * Redis's data, or used up), and no worker has touched its heartbeat for JOB_LOCK_MS (both by
   * PostgreSQL's clock). A worker still running it after Redis lost its job keeps the heartbeat
   * fresh, so it is never run twice.
   */
  async abandoned(deploymentId: string, phase: PhaseRunRecord): Promise<boolean> {
    if (phase.status !== 'running') return false;
    if (await this.queue.isLive('deployments:run-phase', phaseJobId(deploymentId, phase.phaseKey, phase.attempt))) return false;
    return this.ledger.silentFor(phase.id, this.runtime.config.app.JOB_LOCK_MS);
  }

  /** Ends an abandoned running phase with `status` and tells the followers (JIRA, Confluence). */
  async endAbandoned(
    deployment: LockedDeployment,
    phase: PhaseRunRecord,
    status: 'cancelled' | 'failed',
    error: string | null,
  ): Promise<boolean> {
    if (!(await this.ledger.endAbandonedPhase(phase.id, status, error))) return false;
    if (error) await this.ledger.explainFailure(deployment.id, error);
    await this.events.emit({
      type: 'phase.finished',
      deploymentId: deployment.id,
      environmentId: deployment.environmentId,
      environmentName: deployment.environment.name,
      dryRun: deployment.dryRun,
      phaseKey: phase.phaseKey,
      status,
      storiesWithWork: [],
      storiesPassed: [],
    });
    return true;
  }

  private runbookOf(key: string): Runbook {
    const runbook = this.catalog.get(key);
    if (!runbook) throw new Error(`runbook ${key} is not in this build`);
    return runbook;
  }
}

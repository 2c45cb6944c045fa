import { Injectable } from '@nestjs/common';
import { DeploymentEventBus } from '../infra/events/deployment-event-bus.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { LedgerRepository } from '../persistence/repositories/ledger.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import type { Runbook } from '../runbooks/model.js';
import { decideAdvance } from './advance-decision.js';

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
  ) {}

  async advance(deploymentId: string): Promise<void> {
    const result = await this.ledger.advance(deploymentId, (deployment) =>
      decideAdvance(deployment, this.runbookOf(deployment.runbookKey)),
    );
    if (!result) return;
    const { deployment, decision } = result;
    for (const phase of decision.ready) {
      // The job id makes this idempotent: advancing twice never runs a phase twice.
      await this.queue.add(
        'deployments:run-phase',
        { deploymentId, phaseKey: phase.phaseKey },
        { jobId: `${deploymentId}:${phase.phaseKey}:${phase.attempt}` },
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
    }
  }

  private runbookOf(key: string): Runbook {
    const runbook = this.catalog.get(key);
    if (!runbook) throw new Error(`runbook ${key} is not in this build`);
    return runbook;
  }
}

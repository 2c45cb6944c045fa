import { Injectable } from '@nestjs/common';
import type { JobPayloads } from '../infra/queue/jobs.js';
import { type JobContext, OnJob } from '../infra/queue/on-job.js';
import { DeploymentCoordinator } from './deployment-coordinator.js';
import { DeploymentReconciler } from './deployment-reconciler.js';
import { PhaseRunner } from './phase-runner.js';

/** The engine's jobs: thin shells over the coordinator and the phase runner. */
@Injectable()
export class DeploymentProcessor {
  constructor(
    private readonly runner: PhaseRunner,
    private readonly coordinator: DeploymentCoordinator,
    private readonly reconciler: DeploymentReconciler,
  ) {}

  @OnJob('deployments:run-phase')
  runPhase(job: JobPayloads['deployments:run-phase'], context: JobContext): Promise<void> {
    return this.runner.run(job, context);
  }

  @OnJob('deployments:reconcile')
  async reconcile(): Promise<void> {
    await this.reconciler.reconcile();
  }

  @OnJob('deployments:advance')
  advance(job: JobPayloads['deployments:advance']): Promise<void> {
    return this.coordinator.advance(job.deploymentId);
  }
}

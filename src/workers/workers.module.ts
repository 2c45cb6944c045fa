import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { DeploymentCoordinator } from './deployment-coordinator.js';
import { DeploymentProcessor } from './deployment.processor.js';
import { DeploymentReconciler } from './deployment-reconciler.js';
import { PhaseRunner } from './phase-runner.js';

/** The engine: coordinator, phase runner and their job handlers. Workers start when this process runs them. */
@Module({
  imports: [EnvironmentsModule],
  providers: [DeploymentCoordinator, PhaseRunner, DeploymentReconciler, DeploymentProcessor],
  exports: [DeploymentReconciler],
})
export class WorkersModule {}

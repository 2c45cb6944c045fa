import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { DeploymentCoordinator } from './deployment-coordinator.js';
import { DeploymentProcessor } from './deployment.processor.js';
import { PhaseRunner } from './phase-runner.js';

/** The engine: coordinator, phase runner and their job handlers. Workers start when this process runs them. */
@Module({
  imports: [EnvironmentsModule],
  providers: [DeploymentCoordinator, PhaseRunner, DeploymentProcessor],
})
export class WorkersModule {}

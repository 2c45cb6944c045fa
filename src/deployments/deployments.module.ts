import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { DeploymentLogHub } from './deployment-log-hub.js';
import { DeploymentLogStream } from './deployment-log-stream.js';
import { DeploymentSyncStateService } from './deployment-sync-state.service.js';
import { DeploymentsService } from './deployments.service.js';

/** The deployment use cases: plan and create, list, read, cancel, retry, follow the log. */
@Module({
  imports: [EnvironmentsModule],
  providers: [DeploymentsService, DeploymentLogHub, DeploymentLogStream, DeploymentSyncStateService],
  exports: [DeploymentsService, DeploymentLogStream, DeploymentSyncStateService],
})
export class DeploymentsModule {}

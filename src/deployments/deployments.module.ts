import { Module } from '@nestjs/common';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { DeploymentsService } from './deployments.service.js';

/** The deployment use cases: plan and create, list, read, cancel, retry. */
@Module({
  imports: [EnvironmentsModule],
  providers: [DeploymentsService],
  exports: [DeploymentsService],
})
export class DeploymentsModule {}

import { Module } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { RUNBOOK_CATALOG } from '../app/tokens.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import { DeploymentCoordinator } from '../workers/deployment-coordinator.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { WorkersModule } from '../workers/workers.module.js';
import { DeploymentsService } from './deployments.service.js';

@Module({
  imports: [WorkersModule],
  providers: [
    {
      provide: DeploymentsService,
      useFactory: (
        db: PrismaClient,
        environments: EnvironmentsService,
        coordinator: DeploymentCoordinator,
        signals: DeploymentSignals,
        catalog: RunbookCatalog,
      ) => new DeploymentsService(db, environments, coordinator, signals, catalog),
      inject: [PrismaClient, EnvironmentsService, DeploymentCoordinator, DeploymentSignals, RUNBOOK_CATALOG],
    },
  ],
  exports: [DeploymentsService],
})
export class DeploymentsModule {}

import { Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { PrismaClient } from '@prisma/client';
import { RUNBOOK_CATALOG, RUNTIME } from '../app/tokens.js';
import type { Runtime } from '../app/runtime.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { AuditLog } from './audit-log.js';
import { ApiAuthGuard } from './auth/api-auth.guard.js';
import { ApiTokensService } from './auth/api-tokens.service.js';
import { TokensController } from './auth/tokens.controller.js';
import { DeploymentLogStream } from './deployments/deployment-log-stream.js';
import { DeploymentsController } from './deployments/deployments.controller.js';
import { EnvironmentsController } from './environments/environments.controller.js';
import { RunbookPreviewService } from './runbooks/runbook-preview.service.js';
import { RunbooksController } from './runbooks/runbooks.controller.js';

/** The versioned REST API (/api/v1) and the bearer-token guard in front of it. */
@Module({
  imports: [DeploymentsModule],
  controllers: [TokensController, EnvironmentsController, RunbooksController, DeploymentsController],
  providers: [
    { provide: AuditLog, useFactory: (db: PrismaClient) => new AuditLog(db), inject: [PrismaClient] },
    {
      provide: ApiTokensService,
      useFactory: (db: PrismaClient, audit: AuditLog, runtime: Runtime) =>
        new ApiTokensService(db, audit, runtime.config.OPSPRINT_ADMIN_TOKEN),
      inject: [PrismaClient, AuditLog, RUNTIME],
    },
    {
      provide: APP_GUARD,
      useFactory: (reflector: Reflector, tokens: ApiTokensService) => new ApiAuthGuard(reflector, tokens),
      inject: [Reflector, ApiTokensService],
    },
    {
      provide: RunbookPreviewService,
      useFactory: (catalog: RunbookCatalog, environments: EnvironmentsService) => new RunbookPreviewService(catalog, environments),
      inject: [RUNBOOK_CATALOG, EnvironmentsService],
    },
    {
      provide: DeploymentLogStream,
      useFactory: (db: PrismaClient, signals: DeploymentSignals, environments: EnvironmentsService) =>
        new DeploymentLogStream(db, signals, environments),
      inject: [PrismaClient, DeploymentSignals, EnvironmentsService],
    },
  ],
  exports: [ApiTokensService],
})
export class ApiModule {}

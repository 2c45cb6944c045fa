import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { ApiAuthGuard } from './auth/api-auth.guard.js';
import { AuthModule } from '../auth/auth.module.js';
import { TokensController } from './auth/tokens.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { ReportsModule } from '../reports/reports.module.js';
import { SprintsController } from './sprints/sprints.controller.js';
import { DeploymentsController } from './deployments/deployments.controller.js';
import { EnvironmentsController } from './environments/environments.controller.js';
import { RunbookPreviewService } from './runbooks/runbook-preview.service.js';
import { RunbooksController } from './runbooks/runbooks.controller.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { DriftController } from './schedules/drift.controller.js';
import { SchedulesController } from './schedules/schedules.controller.js';

/** The versioned REST API (/api/v1) and the bearer-token guard in front of it. */
@Module({
  imports: [AuthModule, DeploymentsModule, EnvironmentsModule, ReportsModule, SchedulesModule],
  controllers: [
    TokensController,
    EnvironmentsController,
    RunbooksController,
    DeploymentsController,
    SprintsController,
    AuditController,
    SchedulesController,
    DriftController,
  ],
  providers: [{ provide: APP_GUARD, useClass: ApiAuthGuard }, RunbookPreviewService],
})
export class ApiModule {}

import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiModule } from '../api/api.module.js';
import { ConfigModule } from '../config/config.module.js';
import { DashboardModule } from '../dashboard/dashboard.module.js';
import type { Runtime } from '../config/runtime.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { HealthModule } from '../health/health.module.js';
import { InfraModule } from '../infra/infra.module.js';
import type { SessionFactory } from '../infra/ssh/executor.types.js';
import { ConfluenceModule } from '../integrations/confluence/confluence.module.js';
import { JiraModule } from '../integrations/jira/jira.module.js';
import { PersistenceModule } from '../persistence/persistence.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { WorkersModule } from '../workers/workers.module.js';

/** What only tests replace: the SSH executor (e.g. local shells instead of SSH connections). */
export interface AppOverrides {
  sessionFactory?: SessionFactory;
}

/** Every capability of the service, for one runtime (the same wiring serves the API and the worker process). */
@Module({})
export class AppModule {
  static forRoot(runtime: Runtime, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(runtime),
        PersistenceModule,
        InfraModule.forRoot(overrides.sessionFactory),
        ScheduleModule.forRoot(),
        EnvironmentsModule,
        DeploymentsModule,
        WorkersModule,
        HealthModule,
        SchedulesModule,
        ApiModule,
        DashboardModule,
        JiraModule.register(runtime.config.jira),
        ConfluenceModule.register(runtime.config.confluence),
        ReportsModule,
      ],
    };
  }
}

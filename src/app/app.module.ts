import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ApiModule } from '../api/api.module.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { HealthModule } from '../health/health.module.js';
import { ConfluenceModule } from '../integrations/confluence/confluence.module.js';
import { JiraModule } from '../integrations/jira/jira.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { CoreModule } from './core.module.js';
import type { Runtime } from './runtime.js';

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(runtime),
        ScheduleModule.forRoot(),
        WorkersModule,
        DeploymentsModule,
        HealthModule,
        ApiModule,
        JiraModule.forRoot(runtime),
        ConfluenceModule.forRoot(runtime),
      ],
    };
  }
}

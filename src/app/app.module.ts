import { Module, type DynamicModule } from '@nestjs/common';
import { ApiModule } from '../api/api.module.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { HealthModule } from '../health/health.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { CoreModule } from './core.module.js';
import type { Runtime } from './runtime.js';

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(runtime), WorkersModule, DeploymentsModule, HealthModule, ApiModule],
    };
  }
}

import { type DynamicModule, Global, Module } from '@nestjs/common';
import { defaultRunbookCatalog, RunbookCatalog } from '../runbooks/catalog.js';
import { Runtime } from './runtime.js';

/** The runtime decided before Nest started, and the runbooks this process can run. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: Runtime, useValue: runtime },
        { provide: RunbookCatalog, useValue: runtime.catalog ?? defaultRunbookCatalog() },
      ],
      exports: [Runtime, RunbookCatalog],
    };
  }
}

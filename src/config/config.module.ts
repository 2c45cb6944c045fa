import { type DynamicModule, Global, Module } from '@nestjs/common';
import { defaultRunbookCatalog, RunbookCatalog } from '../runbooks/catalog.js';
import { PublicLinks } from './public-url.js';
import { Runtime } from './runtime.js';

/** The runtime decided before Nest started, the runbooks this process can run, and links under PUBLIC_URL. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: Runtime, useValue: runtime },
        { provide: RunbookCatalog, useValue: runtime.catalog ?? defaultRunbookCatalog() },
        PublicLinks,
      ],
      exports: [Runtime, RunbookCatalog, PublicLinks],
    };
  }
}

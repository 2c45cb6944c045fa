import { type DynamicModule, Module } from '@nestjs/common';
import { ConfluenceConfig } from '../../config/confluence-config.js';
import { Runtime } from '../../config/runtime.js';
import { EnvironmentsModule } from '../../environments/environments.module.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import { SecretValues } from '../secret-values.js';
import { ConfluenceEventJobs } from './confluence-event-jobs.js';
import { ConfluenceHealth } from './confluence-health.js';
import { ConfluenceGateway } from './confluence.gateway.js';
import { ConfluencePublisher, PUBLISHER_OPTIONS, type PublisherOptions } from './publisher.service.js';

/**
 * Confluence publishing, switched on by CONFLUENCE_BASE_URL. Off: no handler (no confluence
 * worker starts) and /health says why.
 */
@Module({})
export class ConfluenceModule {
  static register(config: ConfluenceConfig | null): DynamicModule {
    if (!config) return { module: ConfluenceModule, providers: [ConfluenceHealth] };
    return {
      module: ConfluenceModule,
      // Global: the sprint review (src/reports) publishes its page through the gateway when Confluence is on.
      global: true,
      imports: [EnvironmentsModule],
      providers: [
        { provide: ConfluenceConfig, useValue: config },
        {
          provide: PUBLISHER_OPTIONS,
          useFactory: (catalog: RunbookCatalog, runtime: Runtime): PublisherOptions => ({
            runbooks: [...catalog.values()],
            jiraBaseUrl: runtime.config.jira?.baseUrl.toString().replace(/\/+$/, ''),
            jiraProjectKey: runtime.config.jira?.projectKey,
            label: 'opsprint',
          }),
          inject: [RunbookCatalog, Runtime],
        },
        { provide: SecretValues, useExisting: EnvironmentsService },
        ConfluenceGateway,
        ConfluenceHealth,
        ConfluencePublisher,
        ConfluenceEventJobs,
      ],
      exports: [ConfluencePublisher, ConfluenceGateway, ConfluenceConfig],
    };
  }
}

import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import type { Runtime } from '../../app/runtime.js';
import { RUNBOOK_CATALOG } from '../../app/tokens.js';
import { DeploymentEventBus } from '../../deployments/deployment-event-bus.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { HealthModule } from '../../health/health.module.js';
import { HealthService } from '../../health/health.service.js';
import type { RunbookCatalog } from '../../runbooks/catalog.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import { ConfluenceEventJobs } from './confluence-event-jobs.js';
import { ConfluenceHealth } from './confluence-health.js';
import { loadConfluenceConfig } from './confluence.config.js';
import { ConfluenceGateway } from './confluence.gateway.js';
import { ConfluencePublisher } from './publisher.service.js';

class ConfluenceLifecycle implements OnApplicationBootstrap {
  constructor(
    private readonly health: HealthService,
    private readonly contributor: ConfluenceHealth,
    private readonly on?: { events: ConfluenceEventJobs; bus: DeploymentEventBus },
  ) {}

  onApplicationBootstrap(): void {
    this.health.addContributor(this.contributor);
    if (!this.on) return;
    this.on.bus.subscribe(this.on.events);
    this.on.events.register();
  }
}

/**
 * Confluence publishing, switched on by CONFLUENCE_BASE_URL (read from runtime.env). Off: no
 * handler (no confluence worker starts) and /health says why.
 */
@Module({})
export class ConfluenceModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const env = runtime.env ?? process.env;
    const config = loadConfluenceConfig(env);
    if (!config) {
      return {
        module: ConfluenceModule,
        imports: [HealthModule],
        providers: [
          {
            provide: ConfluenceLifecycle,
            useFactory: (health: HealthService) => new ConfluenceLifecycle(health, new ConfluenceHealth(null)),
            inject: [HealthService],
          },
        ],
      };
    }
    const jiraBaseUrl = env.JIRA_BASE_URL?.trim().replace(/\/+$/, '') || undefined;
    return {
      module: ConfluenceModule,
      imports: [HealthModule],
      providers: [
        {
          provide: ConfluencePublisher,
          useFactory: (prisma: PrismaClient, catalog: RunbookCatalog) =>
            new ConfluencePublisher(
              prisma,
              new ConfluenceGateway(config),
              { spaceKey: config.spaceKey, parentPageId: config.parentPageId },
              { runbooks: [...catalog.values()], jiraBaseUrl, label: 'opsprint' },
            ),
          inject: [PrismaClient, RUNBOOK_CATALOG],
        },
        {
          provide: ConfluenceEventJobs,
          useFactory: (prisma: PrismaClient, queue: JobQueue, environments: EnvironmentsService, publisher: ConfluencePublisher) =>
            new ConfluenceEventJobs(prisma, queue, environments, publisher),
          inject: [PrismaClient, JobQueue, EnvironmentsService, ConfluencePublisher],
        },
        {
          provide: ConfluenceLifecycle,
          useFactory: (health: HealthService, events: ConfluenceEventJobs, bus: DeploymentEventBus) =>
            new ConfluenceLifecycle(health, new ConfluenceHealth(config), { events, bus }),
          inject: [HealthService, ConfluenceEventJobs, DeploymentEventBus],
        },
      ],
      exports: [ConfluencePublisher],
    };
  }
}

import { Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { PrismaClient } from '@prisma/client';
import type { Runtime } from '../../app/runtime.js';
import { RUNBOOK_CATALOG, RUNTIME } from '../../app/tokens.js';
import { DeploymentEventBus } from '../../deployments/deployment-event-bus.js';
import { DeploymentsModule } from '../../deployments/deployments.module.js';
import { DeploymentsService } from '../../deployments/deployments.service.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { HealthModule } from '../../health/health.module.js';
import { HealthService } from '../../health/health.service.js';
import type { RunbookCatalog } from '../../runbooks/catalog.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import { environmentSecretValues } from '../environment-secrets.js';
import { DEPLOYMENT_REQUESTER, type DeploymentRequester } from './deployment-requester.port.js';
import { JiraDeploymentRequester } from './jira-deployment-requester.js';
import { JiraEventJobs } from './jira-event-jobs.js';
import { createJiraServices, type JiraServices } from './jira.factory.js';
import { loadJiraConfig, type JiraConfig } from './jira.config.js';
import { JiraHealth } from './jira-health.js';
import { JiraPollScheduler, pollIntervalSeconds } from './jira-poll.scheduler.js';
import { JiraWebhookOffController } from './jira-webhook-off.controller.js';
import { JiraWebhookController } from './jira-webhook.controller.js';
import { JiraWebhookService } from './webhook.service.js';

const JIRA_SERVICES = Symbol('JIRA_SERVICES');

/** Puts JIRA's pieces in place once every module exists: health, event listener, job handlers, poll. */
class JiraLifecycle implements OnApplicationBootstrap {
  constructor(
    private readonly runtime: Runtime,
    private readonly health: HealthService,
    private readonly contributor: JiraHealth,
    private readonly on?: { events: JiraEventJobs; bus: DeploymentEventBus; queue: JobQueue; poller: JiraPollScheduler },
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.health.addContributor(this.contributor);
    if (!this.on) return;
    this.on.bus.subscribe(this.on.events);
    this.on.events.register();
    if (this.runtime.runWorkers) {
      // Concurrency 1 per process is not enough once workers run on several machines: updates must land in order.
      await this.on.queue.queue('jira').setGlobalConcurrency(1);
      this.on.poller.start();
    }
  }
}

/**
 * JIRA sync, switched on by JIRA_BASE_URL (read from runtime.env). Off: no job handlers (no
 * jira worker starts), the webhook answers 503 and /health says why. A bad JIRA_* value stops
 * start-up with the variable's name.
 */
@Module({})
export class JiraModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const env = runtime.env ?? process.env;
    const config = loadJiraConfig(env);
    if (!config) {
      return {
        module: JiraModule,
        imports: [HealthModule],
        controllers: [JiraWebhookOffController],
        providers: [
          {
            provide: JiraLifecycle,
            useFactory: (health: HealthService) => new JiraLifecycle(runtime, health, new JiraHealth(null)),
            inject: [HealthService],
          },
        ],
      };
    }
    const seconds = pollIntervalSeconds(env);
    return {
      module: JiraModule,
      imports: [HealthModule, DeploymentsModule],
      controllers: [JiraWebhookController],
      providers: [
        {
          provide: DEPLOYMENT_REQUESTER,
          useFactory: (deployments: DeploymentsService) => new JiraDeploymentRequester(deployments),
          inject: [DeploymentsService],
        },
        {
          provide: JIRA_SERVICES,
          useFactory: (prisma: PrismaClient, requester: DeploymentRequester, environments: EnvironmentsService) =>
            createJiraServices(prisma, config, requester, {
              statusSync: { secrets: (event) => environmentSecretValues(environments, event.environmentId) },
            }),
          inject: [PrismaClient, DEPLOYMENT_REQUESTER, EnvironmentsService],
        },
        { provide: JiraWebhookService, useFactory: (jira: JiraServices) => jira.webhooks, inject: [JIRA_SERVICES] },
        {
          provide: JiraEventJobs,
          useFactory: (prisma: PrismaClient, queue: JobQueue, catalog: RunbookCatalog, jira: JiraServices) =>
            new JiraEventJobs(prisma, queue, catalog, jira),
          inject: [PrismaClient, JobQueue, RUNBOOK_CATALOG, JIRA_SERVICES],
        },
        {
          provide: JiraPollScheduler,
          useFactory: (jira: JiraServices, registry: SchedulerRegistry) => new JiraPollScheduler(jira.poll, registry, seconds),
          inject: [JIRA_SERVICES, SchedulerRegistry],
        },
        {
          provide: JiraLifecycle,
          useFactory: (
            rt: Runtime,
            health: HealthService,
            events: JiraEventJobs,
            bus: DeploymentEventBus,
            queue: JobQueue,
            poller: JiraPollScheduler,
          ) => new JiraLifecycle(rt, health, new JiraHealth(config as JiraConfig), { events, bus, queue, poller }),
          inject: [RUNTIME, HealthService, JiraEventJobs, DeploymentEventBus, JobQueue, JiraPollScheduler],
        },
      ],
    };
  }
}

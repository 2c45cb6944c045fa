import { Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { RUNBOOK_CATALOG, RUNTIME, SESSION_FACTORY } from '../app/tokens.js';
import type { Runtime } from '../app/runtime.js';
import { DeploymentEventBus } from '../deployments/deployment-event-bus.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import { DeploymentCoordinator, type RunPhaseJob } from './deployment-coordinator.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { PhaseRunner, type SessionFactory } from './phase-runner.js';

/** Registers the deployment job handlers and, when this process runs workers, starts them. */
class WorkersLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Workers');

  constructor(
    private readonly runtime: Runtime,
    private readonly queue: JobQueue,
    private readonly runner: PhaseRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.register('deployments:run-phase', (data: RunPhaseJob, context) => this.runner.run(data, context));
  }

  /** Called by main/worker after every module registered its handlers. */
  async start(): Promise<void> {
    if (!this.runtime.runWorkers) return;
    await this.runner.listenForCancels();
    this.queue.startWorkers({
      concurrency: { deployments: this.runtime.config.WORKER_CONCURRENCY, jira: 1, confluence: 1 },
      lockDurationMs: this.runtime.config.JOB_LOCK_MS,
    });
    this.logger.log(`workers started on queues ${this.queue.handledQueues.join(', ')}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.close();
  }
}

@Module({
  providers: [
    {
      provide: DeploymentCoordinator,
      useFactory: (db: PrismaClient, queue: JobQueue, catalog: RunbookCatalog, events: DeploymentEventBus) =>
        new DeploymentCoordinator(db, queue, catalog, events),
      inject: [PrismaClient, JobQueue, RUNBOOK_CATALOG, DeploymentEventBus],
    },
    {
      provide: PhaseRunner,
      useFactory: (
        runtime: Runtime,
        db: PrismaClient,
        environments: EnvironmentsService,
        sessions: SessionFactory,
        coordinator: DeploymentCoordinator,
        events: DeploymentEventBus,
        signals: DeploymentSignals,
        catalog: RunbookCatalog,
      ) =>
        new PhaseRunner(db, environments, sessions, coordinator, events, signals, catalog, {
          nodeConcurrency: runtime.config.PHASE_NODE_CONCURRENCY,
          stepTimeoutMs: runtime.config.STEP_TIMEOUT_MS,
          connectTimeoutMs: runtime.config.SSH_CONNECT_TIMEOUT_MS,
        }),
      inject: [
        RUNTIME,
        PrismaClient,
        EnvironmentsService,
        SESSION_FACTORY,
        DeploymentCoordinator,
        DeploymentEventBus,
        DeploymentSignals,
        RUNBOOK_CATALOG,
      ],
    },
    {
      provide: WorkersLifecycle,
      useFactory: (runtime: Runtime, queue: JobQueue, runner: PhaseRunner) => new WorkersLifecycle(runtime, queue, runner),
      inject: [RUNTIME, JobQueue, PhaseRunner],
    },
  ],
  exports: [DeploymentCoordinator, WorkersLifecycle],
})
export class WorkersModule {}

export { WorkersLifecycle };

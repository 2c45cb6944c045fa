import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { DeploymentEventBus } from '../deployments/deployment-event-bus.js';
import { EnvironmentsService } from '../environments/environments.service.js';
import { loadSecretKey, SecretCipher } from '../environments/secret-cipher.js';
import { createPrismaClient } from '../persistence/prisma.service.js';
import { defaultRunbookCatalog } from '../runbooks/catalog.js';
import { DeploymentSignals } from '../infra/signals/deployment-signals.js';
import { SshExecutor } from '../infra/ssh/ssh-executor.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import type { Runtime } from './runtime.js';
import { RUNBOOK_CATALOG, RUNTIME, SESSION_FACTORY } from './tokens.js';

/** Closes the shared clients last, after every module has stopped its own work. */
class CoreShutdown implements OnApplicationShutdown {
  constructor(
    private readonly db: PrismaClient,
    private readonly queue: JobQueue,
    private readonly signals: DeploymentSignals,
    private readonly executor: unknown,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.signals.close();
    if (this.executor instanceof SshExecutor) await this.executor.closeAll();
    await this.db.$disconnect();
  }
}

/** The shared clients every capability uses: database, queues, signals, secrets, SSH, runbooks. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: PrismaClient, useFactory: () => createPrismaClient(runtime.databaseUrl, { max: runtime.databaseMaxConnections ?? 10 }) },
        { provide: JobQueue, useFactory: () => new JobQueue(runtime.redisUrl, runtime.config.QUEUE_PREFIX) },
        { provide: DeploymentSignals, useFactory: () => new DeploymentSignals(runtime.redisUrl, runtime.config.QUEUE_PREFIX) },
        { provide: DeploymentEventBus, useFactory: () => new DeploymentEventBus() },
        { provide: SecretCipher, useFactory: () => new SecretCipher(loadSecretKey(runtime.config.OPSPRINT_SECRET_KEY, runtime.dataDir)) },
        { provide: RUNBOOK_CATALOG, useFactory: () => runtime.catalog ?? defaultRunbookCatalog() },
        {
          provide: SESSION_FACTORY,
          useFactory: () => runtime.sessionFactory ?? new SshExecutor({ connectTimeoutMs: runtime.config.SSH_CONNECT_TIMEOUT_MS }),
        },
        {
          provide: EnvironmentsService,
          useFactory: (db: PrismaClient, cipher: SecretCipher) => new EnvironmentsService(db, cipher),
          inject: [PrismaClient, SecretCipher],
        },
        {
          provide: CoreShutdown,
          useFactory: (db, queue, signals, executor) => new CoreShutdown(db, queue, signals, executor),
          inject: [PrismaClient, JobQueue, DeploymentSignals, SESSION_FACTORY],
        },
      ],
      exports: [
        RUNTIME,
        PrismaClient,
        JobQueue,
        DeploymentSignals,
        DeploymentEventBus,
        SecretCipher,
        RUNBOOK_CATALOG,
        SESSION_FACTORY,
        EnvironmentsService,
      ],
    };
  }
}

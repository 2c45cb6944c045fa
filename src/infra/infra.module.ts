import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Runtime } from '../config/runtime.js';
import { DeploymentEventBus } from './events/deployment-event-bus.js';
import { FailureLimiter } from './kv/failure-limiter.js';
import { KeyValueStore } from './kv/key-value-store.js';
import { StreamSlots } from './kv/stream-slots.js';
import { Shutdown } from './lifecycle/shutdown.js';
import { JobQueue } from './queue/job-queue.js';
import { DeploymentSignals } from './signals/deployment-signals.js';
import { SessionFactory } from './ssh/executor.types.js';
import { SshExecutor } from './ssh/ssh-executor.js';

/** Shared infrastructure every capability may use: queues, events, signals, SSH. */
@Global()
@Module({})
export class InfraModule {
  /** `sessionFactory`: tests bring their own executor; production opens real SSH connections. */
  static forRoot(sessionFactory?: SessionFactory): DynamicModule {
    return {
      module: InfraModule,
      imports: [DiscoveryModule],
      providers: [
        Shutdown,
        JobQueue,
        DeploymentSignals,
        DeploymentEventBus,
        KeyValueStore,
        FailureLimiter,
        StreamSlots,
        {
          provide: SessionFactory,
          useFactory: (runtime: Runtime) =>
            sessionFactory ?? new SshExecutor({ connectTimeoutMs: runtime.config.app.SSH_CONNECT_TIMEOUT_MS }),
          inject: [Runtime],
        },
      ],
      exports: [Shutdown, JobQueue, DeploymentSignals, DeploymentEventBus, KeyValueStore, FailureLimiter, StreamSlots, SessionFactory],
    };
  }
}

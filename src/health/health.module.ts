import { Module } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { RUNTIME } from '../app/tokens.js';
import type { Runtime } from '../app/runtime.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({
  controllers: [HealthController],
  providers: [
    {
      provide: HealthService,
      useFactory: (db: PrismaClient, queue: JobQueue, runtime: Runtime) => new HealthService(db, queue, runtime),
      inject: [PrismaClient, JobQueue, RUNTIME],
    },
  ],
  exports: [HealthService],
})
export class HealthModule {}

import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { metrics, registry } from '../infra/metrics/metrics.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { DeploymentRepository } from '../persistence/repositories/deployment.repository.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';

const DEPLOYMENT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * Prometheus metrics (text exposition format). Counters and histograms are this process's;
 * deployments by status and queue depth are read from PostgreSQL and Redis at each scrape, so
 * every process answers the same for them.
 */
@ApiExcludeController()
@Controller('metrics')
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly queue: JobQueue,
  ) {}

  @Get()
  async get(@Res() response: Response): Promise<void> {
    const byStatus = await this.deployments.countByStatus();
    for (const status of DEPLOYMENT_STATUSES) metrics.deployments.set({ status }, byStatus[status] ?? 0);
    const counts = await this.queue.counts();
    for (const [queue, states] of Object.entries(counts)) {
      for (const [state, count] of Object.entries(states)) metrics.queueJobs.set({ queue, state }, count);
    }
    response.type(registry.contentType).send(await registry.metrics());
  }
}

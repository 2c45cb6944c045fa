import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { redactUrl } from '../common/redact-url.js';
import { Runtime } from '../config/runtime.js';
import { decoratedProviders } from '../infra/discovery/discover.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { PrismaService } from '../persistence/prisma.service.js';
import { type DependencyHealth, type HealthContributor, REPORTS_HEALTH } from './health-contributor.js';

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref()),
  ]);

/** An honest health report: every dependency listed, 503 when a required one is down. */
@Injectable()
export class HealthService implements OnModuleInit {
  private contributors: HealthContributor[] = [];

  constructor(
    private readonly db: PrismaService,
    private readonly queue: JobQueue,
    private readonly runtime: Runtime,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    this.contributors = decoratedProviders<HealthContributor>(this.discovery, REPORTS_HEALTH);
  }

  /** Up or down per dependency and nothing else: what anyone who can reach the port may know. */
  async summary(): Promise<{ status: 'ok' | 'error'; dependencies: Record<string, Pick<DependencyHealth, 'status'>> }> {
    const report = await this.check();
    const dependencies = Object.fromEntries(Object.entries(report.dependencies).map(([name, health]) => [name, { status: health.status }]));
    return { status: report.status, dependencies };
  }

  async check(): Promise<{ status: 'ok' | 'error'; dependencies: Record<string, DependencyHealth> }> {
    const dependencies: Record<string, DependencyHealth> = {};
    dependencies.postgres = await withTimeout(this.db.ping(), 2000, 'PostgreSQL').then(
      () => ({ status: 'up' as const, url: redactUrl(this.runtime.databaseUrl) }),
      (error: Error) => ({ status: 'down' as const, detail: describeError(error), url: redactUrl(this.runtime.databaseUrl) }),
    );
    dependencies.redis = await withTimeout(this.queue.ping(), 2000, 'Redis').then(
      () => ({ status: 'up' as const, url: redactUrl(this.runtime.redisUrl) }),
      (error: Error) => ({ status: 'down' as const, detail: error.message, url: redactUrl(this.runtime.redisUrl) }),
    );
    dependencies.queues =
      dependencies.redis.status === 'up'
        ? await withTimeout(this.queue.counts(), 2000, 'queue counts').then(
            (counts) => ({ status: 'up' as const, workersInThisProcess: this.queue.workersRunning, counts }),
            (error: Error) => ({ status: 'down' as const, detail: error.message }),
          )
        : { status: 'down', detail: 'Redis is down' };
    for (const contributor of this.contributors) {
      dependencies[contributor.healthName] = await withTimeout(contributor.health(), 3000, contributor.healthName).catch(
        (error: Error) => ({
          status: 'down' as const,
          detail: error.message,
        }),
      );
    }
    // JIRA/Confluence being down delays their views but never deployments: only the core makes us unhealthy.
    const required = ['postgres', 'redis', 'queues'];
    const status = required.every((name) => dependencies[name].status === 'up') ? 'ok' : 'error';
    return { status, dependencies };
  }
}

/** The first informative line of an error (Prisma's messages start with blank lines). */
function describeError(error: Error): string {
  const line = error.message
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  const code = (error as { code?: string }).code;
  return line ?? code ?? error.name;
}

import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';
import { RUNTIME } from '../app/tokens.js';
import { redactUrl } from '../common/redact-url.js';
import type { Runtime } from '../app/runtime.js';
import { JobQueue } from '../infra/queue/job-queue.js';

export interface DependencyHealth {
  status: 'up' | 'down' | 'off';
  detail?: string;
  [key: string]: unknown;
}

/** Something that reports on its own dependency (JIRA, Confluence) in /health. */
export interface HealthContributor {
  readonly healthName: string;
  health(): Promise<DependencyHealth>;
}

export const HEALTH_CONTRIBUTORS = Symbol('HEALTH_CONTRIBUTORS');

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref()),
  ]);

/** An honest health report: every dependency listed, 503 when a required one is down. */
@Injectable()
export class HealthService {
  private readonly contributors: HealthContributor[] = [];

  constructor(
    private readonly db: PrismaClient,
    private readonly queue: JobQueue,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  addContributor(contributor: HealthContributor): void {
    this.contributors.push(contributor);
  }

  async check(): Promise<{ status: 'ok' | 'error'; dependencies: Record<string, DependencyHealth> }> {
    const dependencies: Record<string, DependencyHealth> = {};
    dependencies.postgres = await withTimeout(this.db.$queryRaw`SELECT 1`, 2000, 'PostgreSQL').then(
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

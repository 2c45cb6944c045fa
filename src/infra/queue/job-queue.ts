import { DelayedError, Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import os from 'node:os';
import { Redis } from 'ioredis';
import { Logger } from '@nestjs/common';

/**
 * The one place that knows BullMQ. Every queue and job name is declared here with its options;
 * handlers register by name and start-up fails when a declared job has no handler or two.
 */
export const JOBS = {
  'deployments:run-phase': {
    queue: 'deployments',
    // A transient SSH failure retries the phase; the step ledger makes the rerun resume, not repeat.
    options: { attempts: 4, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  },
  'jira:deployment-event': {
    queue: 'jira',
    // JIRA may be down for a while: keep trying for about an hour, in order (the jira worker runs one job at a time).
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  },
  'jira:sync-backlog': {
    queue: 'jira',
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 1000 },
  },
  'confluence:publish-deployment': {
    queue: 'confluence',
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 1000 },
  },
} as const satisfies Record<string, { queue: string; options: JobsOptions }>;

export type JobName = keyof typeof JOBS;
export type QueueName = (typeof JOBS)[JobName]['queue'];
export const QUEUE_NAMES = [...new Set(Object.values(JOBS).map((j) => j.queue))] as QueueName[];

/** Per queue: how many jobs one process runs at once. JIRA runs one at a time so updates land in order. */
export interface WorkerSettings {
  concurrency: Partial<Record<QueueName, number>>;
  lockDurationMs: number;
}

export interface JobContext {
  id: string;
  attemptsMade: number;
  /** Aborted when this process shuts down: finish the current step, then call handBack(). */
  shutdown: AbortSignal;
}

// biome-ignore lint/suspicious/noExplicitAny: typed per job name once handlers are declared on methods
export type JobHandler = (data: any, context: JobContext) => Promise<unknown>;

/** Thrown by a handler that stops early on shutdown: the job goes back to the queue for another worker. */
export class HandBackError extends Error {
  constructor() {
    super('job handed back on shutdown');
  }
}

export class JobQueue {
  private readonly logger = new Logger('JobQueue');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly handlers = new Map<JobName, JobHandler>();
  private readonly workers: Worker[] = [];
  /** BullMQ leaves connections it was given open on close; these are ours to end. */
  private readonly workerConnections: Redis[] = [];
  private readonly shutdown = new AbortController();
  private readonly connection: Redis;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {
    this.connection = this.newConnection();
  }

  private newConnection(): Redis {
    // BullMQ workers block on Redis: they need retries without a per-request limit.
    return new Redis(this.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Adds a job; a jobId makes the add idempotent (BullMQ ignores a second job with the same id). */
  async add(name: JobName, data: unknown, options: { jobId?: string; delay?: number } = {}): Promise<string> {
    const definition = JOBS[name];
    // Job ids may not contain ':' in BullMQ custom ids in some versions; keep them readable and safe.
    const jobId = options.jobId?.replace(/:/g, '-');
    const job = await this.queue(definition.queue).add(name, data, { ...definition.options, jobId, delay: options.delay });
    return job.id ?? '';
  }

  register(name: JobName, handler: JobHandler): void {
    if (this.handlers.has(name)) throw new Error(`job ${name} has two handlers`);
    this.handlers.set(name, handler);
  }

  /** Queues at least one handler was registered for (JIRA/Confluence are off without their settings). */
  get handledQueues(): QueueName[] {
    return QUEUE_NAMES.filter((queue) => [...this.handlers.keys()].some((name) => JOBS[name].queue === queue));
  }

  /** Starts one BullMQ worker per queue; refuses when a job of a started queue has no handler. */
  startWorkers(settings: WorkerSettings, queues: QueueName[] = this.handledQueues): void {
    const missing = (Object.keys(JOBS) as JobName[]).filter((name) => queues.includes(JOBS[name].queue) && !this.handlers.has(name));
    if (missing.length > 0) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
    for (const queueName of queues) {
      const connection = this.newConnection();
      this.workerConnections.push(connection);
      const worker = new Worker(queueName, (job, token) => this.process(job, token), {
        connection,
        prefix: this.prefix,
        // BullMQ records this as the job's processedBy: which process ran a phase, for operators and tests.
        name: `${os.hostname()}:${process.pid}`,
        concurrency: settings.concurrency[queueName] ?? 1,
        lockDuration: settings.lockDurationMs,
        stalledInterval: Math.max(1000, Math.floor(settings.lockDurationMs / 2)),
        maxStalledCount: 5,
      });
      worker.on('failed', (job, error) =>
        this.logger.warn(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
      );
      worker.on('error', (error) => this.logger.error(`worker ${queueName}: ${error.message}`));
      this.workers.push(worker);
    }
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    try {
      return await handler(job.data, { id: job.id ?? '', attemptsMade: job.attemptsMade, shutdown: this.shutdown.signal });
    } catch (error) {
      if (error instanceof HandBackError) {
        await job.moveToDelayed(Date.now(), token ?? job.token);
        throw new DelayedError();
      }
      throw error;
    }
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const result: Record<string, Record<string, number>> = {};
    for (const name of QUEUE_NAMES) {
      result[name] = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    }
    return result;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  get workersRunning(): number {
    return this.workers.filter((w) => w.isRunning()).length;
  }

  /** Graceful: running handlers see `shutdown` aborted and hand their job back after the current step. */
  async close(): Promise<void> {
    this.shutdown.abort();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of this.workerConnections) connection.disconnect();
    this.connection.disconnect();
  }

  /** Removes every job of these queues (the demo drops updates meant for an earlier run's sandbox). */
  async obliterate(queues: QueueName[]): Promise<void> {
    for (const name of queues) await this.queue(name).obliterate({ force: true });
  }
}

import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DelayedError, type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import os from 'node:os';
import { ServiceUnavailableError } from '../../common/errors.js';
import { redactUrl } from '../../common/redact-url.js';
import { Runtime } from '../../config/runtime.js';
import { decoratedMethods } from '../discovery/discover.js';
import { Shutdown } from '../lifecycle/shutdown.js';
import { metrics } from '../metrics/metrics.js';
import { JOBS, type JobName, type JobPayloads, QUEUE_CONCURRENCY, QUEUE_NAMES, type QueueName } from './jobs.js';
import { FinalJobError, HandBackError, type JobContext, ON_JOB } from './on-job.js';

/** Job states in which the job's work is still to come (or under way). */
const LIVE_STATES: string[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|Connection is closed|connect ETIMEDOUT/;

type AnyHandler = (payload: unknown, context: JobContext) => Promise<unknown>;

export interface JobView {
  id: string;
  name: string;
  state: string;
  data: unknown;
  returnvalue: unknown;
  attemptsMade: number;
  failedReason?: string;
  /** When it completed or failed for good (epoch ms). */
  finishedOn?: number;
  /** `host:pid` of the worker that ran it. */
  processedBy?: string;
  /** How its retries wait (BullMQ's backoff option). */
  backoff: JobsOptions['backoff'];
}

function toView(job: Job, state: string): JobView {
  return {
    id: job.id ?? '',
    name: job.name,
    state,
    data: job.data,
    returnvalue: job.returnvalue,
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    finishedOn: job.finishedOn,
    processedBy: job.processedBy,
    backoff: job.opts.backoff,
  };
}

/**
 * The one place that knows BullMQ. Handlers are the `@OnJob` methods found at start-up; this
 * process starts a worker for every queue it has handlers for (when it runs workers at all),
 * and refuses to start when a job of such a queue has no handler or two.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly handlers = new Map<JobName, AnyHandler>();
  private readonly workers: Worker[] = [];
  /** BullMQ leaves connections it was given open on close; these are ours to end. */
  private readonly workerConnections: Redis[] = [];
  private readonly connection: Redis;
  private readonly prefix: string;
  /** Set while Redis does not answer: the outage is logged once, not on every reconnect attempt. */
  private outage: string | undefined;

  constructor(
    private readonly runtime: Runtime,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly shutdown: Shutdown,
  ) {
    this.prefix = runtime.config.app.QUEUE_PREFIX;
    this.connection = this.newConnection();
  }

  onModuleInit(): void {
    for (const method of decoratedMethods<JobName>(this.discovery, this.scanner, ON_JOB)) {
      if (this.handlers.has(method.metadata)) throw new Error(`job ${method.metadata} has two handlers (${method.name} is the second)`);
      this.handlers.set(method.metadata, method.call as AnyHandler);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runtime.runWorkers) return;
    const queues = this.handledQueues;
    const missing = (Object.keys(JOBS) as JobName[]).filter((name) => queues.includes(JOBS[name].queue) && !this.handlers.has(name));
    if (missing.length > 0) throw new Error(`no handler registered for job(s): ${missing.join(', ')}`);
    for (const queueName of queues) {
      const limit = QUEUE_CONCURRENCY[queueName];
      if (limit.global !== undefined) await this.queue(queueName).setGlobalConcurrency(limit.global);
      this.startWorker(
        queueName,
        limit.perProcess === 'WORKER_CONCURRENCY' ? this.runtime.config.app.WORKER_CONCURRENCY : limit.perProcess,
      );
    }
    this.logger.log(`workers started on queues ${queues.join(', ')}`);
  }

  /** Graceful: running handlers see `shutdown` aborted and hand their job back after the current step. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.begin();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const connection of this.workerConnections) connection.disconnect();
    this.connection.disconnect();
  }

  /**
   * Adds a job; a jobId makes the add idempotent (BullMQ ignores a second job with the same id).
   * `bounded`: for a request that must answer, give up after REDIS_TIMEOUT_MS with
   * ServiceUnavailableError instead of waiting for Redis to come back (the default, which never
   * loses a job added by the engine).
   */
  async add<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: { jobId?: string; delay?: number; bounded?: boolean } = {},
  ): Promise<string> {
    const definition = JOBS[name];
    // BullMQ refuses ':' in custom job ids.
    const jobId = options.jobId?.replace(/:/g, '-');
    const adding = this.queue(definition.queue).add(name, payload, { ...this.optionsOf(name), jobId, delay: options.delay });
    const job = options.bounded ? await this.withinTimeout(adding) : await adding;
    return job.id ?? '';
  }

  /** A job's BullMQ options; the first wait before a phase is retried is a setting (PHASE_RETRY_DELAY_MS). */
  private optionsOf(name: JobName): JobsOptions {
    const options = JOBS[name].options;
    if (name !== 'deployments:run-phase') return options;
    return { ...options, backoff: { type: 'exponential', delay: this.runtime.config.app.PHASE_RETRY_DELAY_MS } };
  }

  /** Throws ServiceUnavailableError unless Redis answers a PING within REDIS_TIMEOUT_MS. */
  async assertReachable(): Promise<void> {
    await this.withinTimeout(this.connection.ping());
  }

  private async withinTimeout<T>(work: Promise<T>): Promise<T> {
    const timeoutMs = this.runtime.config.app.REDIS_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    // A late answer or error of the abandoned command is dropped (an add may still land once Redis is back).
    work.catch(() => undefined);
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ServiceUnavailableError(`Redis (the job queue) did not answer within ${timeoutMs} ms; nothing was changed, try again`),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `name` every `everyMs` across all processes: one scheduler per name, so never twice at once. */
  async repeat<N extends JobName>(name: N, everyMs: number, payload: JobPayloads[N]): Promise<void> {
    await this.queue(JOBS[name].queue).upsertJobScheduler(name, { every: everyMs }, { name, data: payload, opts: this.optionsOf(name) });
  }

  /**
   * A cron job scheduler in Redis: fires `name` at each moment `pattern` names in `tz` (or every
   * `every` ms). Upserting the same id from several processes keeps one scheduler, and each firing
   * is one job with an id derived from the scheduler and the moment: it runs once, in one process.
   */
  async schedule<N extends JobName>(
    schedulerId: string,
    name: N,
    when: { pattern: string; tz: string } | { every: number },
    payload: JobPayloads[N],
  ): Promise<void> {
    await this.queue(JOBS[name].queue).upsertJobScheduler(schedulerId, when, { name, data: payload, opts: this.optionsOf(name) });
  }

  /** Removes a scheduler (its waiting firing with it); false when there was none. */
  async unschedule(name: JobName, schedulerId: string): Promise<boolean> {
    return this.queue(JOBS[name].queue).removeJobScheduler(schedulerId);
  }

  /** A scheduler as BullMQ keeps it: its pattern or interval and the next firing (ms since the epoch). */
  async scheduler(
    name: JobName,
    schedulerId: string,
  ): Promise<{ pattern?: string; tz?: string; every?: number; next?: number } | undefined> {
    const found = await this.queue(JOBS[name].queue).getJobScheduler(schedulerId);
    return found ? { pattern: found.pattern, tz: found.tz, every: found.every, next: found.next } : undefined;
  }

  /** BullMQ's state of a job ('completed', 'failed', 'active', … or 'unknown' when it is gone). */
  async jobState(name: JobName, jobId: string): Promise<string | undefined> {
    return (await this.job(JOBS[name].queue, jobId))?.state;
  }

  /** One job as operators and tests look at it; undefined when it is gone. */
  async job(queueName: QueueName, jobId: string): Promise<JobView | undefined> {
    const id = jobId.replace(/:/g, '-');
    // State first: read the other way round, a job finishing in between shows "completed" without its return value.
    const state = await this.queue(queueName).getJobState(id);
    const job = await this.queue(queueName).getJob(id);
    return job ? toView(job, state) : undefined;
  }

  /**
   * Adds the job again under the same id when it is gone from Redis or ended without its work
   * being done (the ledger says so); a job still waiting, delayed or running is left alone.
   * Returns true when it was added.
   */
  async requeue<N extends JobName>(name: N, payload: JobPayloads[N], jobId: string): Promise<boolean> {
    const queue = this.queue(JOBS[name].queue);
    const id = jobId.replace(/:/g, '-');
    const state = await queue.getJobState(id);
    if (LIVE_STATES.includes(state)) return false;
    if (state === 'completed' || state === 'failed') await queue.remove(id);
    await this.add(name, payload, { jobId });
    return true;
  }

  /**
   * A lock across every process of this installation (Redis SET NX with an expiry, so a holder that
   * dies frees it): runs `work` when the lock was free, else returns undefined without running it.
   */
  async exclusive<T>(name: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
    const key = `${this.prefix}:lock:${name}`;
    const token = `${os.hostname()}:${process.pid}:${Date.now()}:${Math.random()}`;
    if ((await this.connection.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    try {
      return await work();
    } finally {
      // Only our own lock: it may have expired and been taken by another process meanwhile.
      await this.connection.eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
        1,
        key,
        token,
      );
    }
  }

  /** Whether a job with this id is waiting, delayed or running (not ended, not gone). */
  async isLive(name: JobName, jobId: string): Promise<boolean> {
    return LIVE_STATES.includes(await this.queue(JOBS[name].queue).getJobState(jobId.replace(/:/g, '-')));
  }

  /** Jobs of a queue in the given states, newest first. */
  async jobs(queueName: QueueName, states: ('completed' | 'failed' | 'active' | 'waiting' | 'delayed')[]): Promise<JobView[]> {
    const jobs = await this.queue(queueName).getJobs(states);
    return Promise.all(jobs.map(async (job) => toView(job, await job.getState())));
  }

  /** Queues this process has handlers for (JIRA/Confluence are off without their settings). */
  get handledQueues(): QueueName[] {
    return QUEUE_NAMES.filter((queue) => [...this.handlers.keys()].some((name) => JOBS[name].queue === queue));
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const result: Record<string, Record<string, number>> = {};
    for (const name of QUEUE_NAMES) {
      result[name] = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    }
    return result;
  }

  /**
   * Jobs still to do on these queues: waiting, running or delayed for a retry. The next run of a
   * job scheduler (the JIRA poll) always waits as a delayed job, and so does a job added for a
   * later date that has not run yet (a sprint's close at its end date): neither is work left over.
   */
  async pending(queues: QueueName[]): Promise<number> {
    let count = 0;
    for (const name of queues) {
      const jobs = await this.queue(name).getJobs(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
      const scheduled = (job: Job) =>
        (job.opts.delay ?? 0) > 0 && job.attemptsStarted === 0 && job.timestamp + (job.opts.delay ?? 0) > Date.now();
      count += jobs.filter((job) => !job.repeatJobKey && !scheduled(job)).length;
    }
    return count;
  }

  /** The BullMQ queues themselves, for the admin queue view (bull-board); nothing else should need them. */
  bullQueues(): Queue[] {
    return QUEUE_NAMES.map((name) => this.queue(name));
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  get workersRunning(): number {
    return this.workers.filter((w) => w.isRunning()).length;
  }

  /** Removes every job of these queues (the demo drops updates meant for an earlier run's sandbox). */
  async obliterate(queues: QueueName[]): Promise<void> {
    for (const name of queues) await this.queue(name).obliterate({ force: true });
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      // Without a listener BullMQ prints every connection error with its stack, once per reconnect.
      queue.on('error', (error) => this.redisError(error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private newConnection(): Redis {
    // BullMQ workers block on Redis: they need retries without a per-request limit.
    const connection = new Redis(this.runtime.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
    connection.on('error', (error: Error) => this.redisError(error));
    connection.on('ready', () => {
      if (this.outage === undefined) return;
      this.outage = undefined;
      this.logger.log(`Redis at ${redactUrl(this.runtime.redisUrl)} answers again`);
    });
    return connection;
  }

  /** One line when Redis stops answering, not one stack trace per reconnect attempt. */
  private redisError(error: Error): void {
    if (this.outage !== undefined) return;
    this.outage = error.message || (error as NodeJS.ErrnoException).code || error.name;
    this.logger.error(`Redis at ${redactUrl(this.runtime.redisUrl)} does not answer (${this.outage}); retrying until it does`);
  }

  private startWorker(queueName: QueueName, concurrency: number): void {
    const connection = this.newConnection();
    this.workerConnections.push(connection);
    const lockDuration = this.runtime.config.app.JOB_LOCK_MS;
    const worker = new Worker(queueName, (job, token) => this.process(job, token), {
      connection,
      prefix: this.prefix,
      // BullMQ records this as the job's processedBy: which process ran a phase, for operators and tests.
      name: `${os.hostname()}:${process.pid}`,
      concurrency,
      lockDuration,
      stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) =>
      this.logger.warn(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
    );
    worker.on('error', (error) =>
      CONNECTION_ERROR.test(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`)
        ? this.redisError(error)
        : this.logger.error(`worker ${queueName}: ${error.message}`),
    );
    this.workers.push(worker);
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    const queue = job.queueName;
    const takenAt = Date.now();
    // First attempts only: due = added plus its delay (a scheduled run); a retry waits for its backoff on purpose.
    if (job.attemptsMade === 0) metrics.jobWait.observe({ queue }, Math.max(0, takenAt - job.timestamp - (job.delay ?? 0)) / 1000);
    const took = (outcome: string) => metrics.jobDuration.observe({ queue, outcome }, (Date.now() - takenAt) / 1000);
    try {
      const result = await handler(job.data, { id: job.id ?? '', attemptsMade: job.attemptsMade, shutdown: this.shutdown.signal });
      took('completed');
      return result;
    } catch (error) {
      took(error instanceof HandBackError ? 'handed_back' : 'failed');
      if (error instanceof HandBackError) {
        await job.moveToDelayed(Date.now(), token ?? job.token);
        throw new DelayedError();
      }
      // BullMQ moves an UnrecoverableError's job to failed without using its remaining attempts.
      if (error instanceof FinalJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }
}

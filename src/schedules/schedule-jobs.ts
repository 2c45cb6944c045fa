import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron, SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Runtime } from '../config/runtime.js';
import { OnDeploymentEvent } from '../infra/events/deployment-event-bus.js';
import type { DeploymentEvent } from '../infra/events/deployment-events.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import type { JobPayloads } from '../infra/queue/jobs.js';
import { type JobContext, OnJob } from '../infra/queue/on-job.js';
import { DailyDigestService } from './daily-digest.service.js';
import { DeploymentSchedulesService } from './deployment-schedules.service.js';
import { DriftCheckService } from './drift-check.service.js';
import { BUILT_IN_KEYS, BUILT_IN_SCHEDULES } from './schedule-keys.js';
import { registryName } from './schedules.service.js';
import { SprintEndService } from './sprint-end.service.js';

/**
 * Where the schedules meet the queues. @nestjs/schedule holds the cron definitions (each built-in
 * schedule is a CronJob in its SchedulerRegistry, never started: a CronJob fires in every process)
 * and runs this process's housekeeping (`@Cron`: put the BullMQ schedulers in line with the
 * settings and the rows). BullMQ fires: each schedule is a job scheduler in Redis, and each firing
 * one job with an id of its own, taken by one worker of the `schedules` queue (one job at a time
 * across all processes). The handlers only decide and enqueue or start; the work runs elsewhere.
 */
@Injectable()
export class ScheduleJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('Schedules');

  constructor(
    private readonly runtime: Runtime,
    private readonly registry: SchedulerRegistry,
    private readonly queue: JobQueue,
    private readonly deploymentSchedules: DeploymentSchedulesService,
    private readonly drift: DriftCheckService,
    private readonly digest: DailyDigestService,
    private readonly sprintEnd: SprintEndService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const key of BUILT_IN_KEYS) {
      const setting = this.runtime.config.schedules[BUILT_IN_SCHEDULES[key].setting];
      const name = registryName(key);
      if (this.registry.doesExist('cron', name)) this.registry.deleteCronJob(name);
      this.registry.addCronJob(
        name,
        CronJob.from({ cronTime: setting.cron, timeZone: setting.timezone, onTick: () => undefined, start: false }),
      );
    }
    await this.reconcile();
  }

  /** Every ten minutes, in each process: idempotent, and repairs a scheduler lost with Redis's data. */
  @Cron('*/10 * * * *', { name: 'schedules.reconcile' })
  async reconcile(): Promise<void> {
    try {
      for (const key of BUILT_IN_KEYS) {
        const setting = this.runtime.config.schedules[BUILT_IN_SCHEDULES[key].setting];
        const job = BUILT_IN_SCHEDULES[key].job;
        if (setting.enabled) await this.queue.schedule(key, job, { pattern: setting.cron, tz: setting.timezone }, {});
        else await this.queue.unschedule(job, key);
      }
      await this.deploymentSchedules.reconcile();
    } catch (error) {
      this.logger.warn(`could not put the schedulers in line: ${(error as Error).message}`);
    }
  }

  @OnJob('schedules:deploy')
  async deploy(payload: JobPayloads['schedules:deploy'], context: JobContext): Promise<unknown> {
    return this.deploymentSchedules.fire(payload.scheduleId, context.id);
  }

  @OnJob('schedules:drift-check')
  async driftCheck(_payload: JobPayloads['schedules:drift-check'], context: JobContext): Promise<unknown> {
    return this.drift.check(context.id);
  }

  @OnJob('schedules:daily-digest')
  async dailyDigest(_payload: JobPayloads['schedules:daily-digest'], context: JobContext): Promise<unknown> {
    return this.digest.publish(context.id);
  }

  @OnJob('schedules:sprint-review')
  async sprintReview(_payload: JobPayloads['schedules:sprint-review'], context: JobContext): Promise<unknown> {
    return this.sprintEnd.endDueSprints(context.id);
  }

  @OnJob('schedules:drift-record')
  async driftRecord(payload: JobPayloads['schedules:drift-record']): Promise<unknown> {
    return this.drift.record(payload.deploymentId);
  }

  /** Only enqueues: it runs inside the engine's loop. One job per deployment (its id dedupes). */
  @OnDeploymentEvent()
  async deploymentFinished(event: DeploymentEvent): Promise<void> {
    if (event.type !== 'deployment.finished' || event.status === 'cancelled') return;
    await this.queue.add('schedules:drift-record', { deploymentId: event.deploymentId }, { jobId: `drift-record-${event.deploymentId}` });
  }
}

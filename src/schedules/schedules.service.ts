import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Runtime } from '../config/runtime.js';
import type { ScheduleSetting } from '../config/schedules-config.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import type { DeploymentScheduleRecord, ScheduleRunRecord } from '../persistence/records.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import { type DeploymentScheduleWithEnvironment, ScheduleRepository } from '../persistence/repositories/schedule.repository.js';
import { DeploymentSchedulesService } from './deployment-schedules.service.js';
import { BUILT_IN_KEYS, BUILT_IN_SCHEDULES, type BuiltInScheduleKey, deploymentScheduleKey, isBuiltIn } from './schedule-keys.js';

export interface ScheduleView {
  /** A built-in schedule's name (drift-check, …) or a deployment schedule's id. */
  key: string;
  kind: BuiltInScheduleKey | 'deployment';
  cron: string;
  timezone: string;
  enabled: boolean;
  /** Why it does not fire (its setting, its own switch, the switch of all deployment schedules); null when it does. */
  off: string | null;
  nextRunAt: Date | null;
  lastRun: ScheduleRunRecord | null;
  /** Deployment schedules only. */
  deployment: (DeploymentScheduleRecord & { environment: { name: string } }) | null;
}

/** The cron definitions of the built-in schedules in @nestjs/schedule's registry: `schedules.<key>`. */
export const registryName = (key: BuiltInScheduleKey) => `schedules.${key}`;

/**
 * Every schedule in one list: the built-in ones (from the settings, held as cron definitions in
 * @nestjs/schedule's SchedulerRegistry) and the deployment schedules (PostgreSQL), each with its
 * switch, its next firing and its last firing. Firing itself is BullMQ's (see ScheduleJobs).
 */
@Injectable()
export class SchedulesService {
  constructor(
    private readonly runtime: Runtime,
    private readonly registry: SchedulerRegistry,
    private readonly queue: JobQueue,
    private readonly runs: ScheduleRepository,
    private readonly deploymentSchedules: DeploymentSchedulesService,
    private readonly audit: AuditRepository,
  ) {}

  setting(key: BuiltInScheduleKey): ScheduleSetting {
    return this.runtime.config.schedules[BUILT_IN_SCHEDULES[key].setting];
  }

  async list(filter: { environment?: string } = {}): Promise<ScheduleView[]> {
    const deployments = await this.deploymentSchedules.list(filter);
    const builtIns = filter.environment ? [] : BUILT_IN_KEYS;
    const last = await this.runs.lastRuns([...builtIns, ...deployments.map((d) => deploymentScheduleKey(d.id))]);
    return [
      ...(await Promise.all(builtIns.map((key) => this.builtInView(key, last.get(key) ?? null)))),
      ...(await Promise.all(deployments.map((d) => this.deploymentView(d, last.get(deploymentScheduleKey(d.id)) ?? null)))),
    ];
  }

  async get(key: string): Promise<ScheduleView> {
    if (isBuiltIn(key)) return this.builtInView(key, (await this.runs.lastRuns([key])).get(key) ?? null);
    const schedule = await this.deploymentSchedules.get(key);
    return this.deploymentView(schedule, (await this.runs.lastRuns([deploymentScheduleKey(key)])).get(deploymentScheduleKey(key)) ?? null);
  }

  async viewOf(schedule: DeploymentScheduleWithEnvironment): Promise<ScheduleView> {
    return this.deploymentView(
      schedule,
      (await this.runs.lastRuns([deploymentScheduleKey(schedule.id)])).get(deploymentScheduleKey(schedule.id)) ?? null,
    );
  }

  async runsOf(key: string, limit: number): Promise<ScheduleRunRecord[]> {
    if (isBuiltIn(key)) return this.runs.runs(key, limit);
    await this.deploymentSchedules.get(key);
    return this.runs.runs(deploymentScheduleKey(key), limit);
  }

  /**
   * Fires a schedule now, as its next tick would (a switched-off schedule records the firing as
   * skipped). Returns the firing's job id; its ScheduleRun row appears when a worker takes it.
   */
  async runNow(key: string, actor: string): Promise<{ jobId: string }> {
    const fireKey = `manual-${randomUUID()}`;
    let jobId: string;
    if (isBuiltIn(key)) {
      jobId = await this.queue.add(BUILT_IN_SCHEDULES[key].job, {}, { jobId: fireKey });
    } else {
      await this.deploymentSchedules.get(key);
      jobId = await this.queue.add('schedules:deploy', { scheduleId: key }, { jobId: fireKey });
    }
    await this.audit.record(actor, 'schedule.run', key, { jobId });
    return { jobId };
  }

  private async builtInView(key: BuiltInScheduleKey, lastRun: ScheduleRunRecord | null): Promise<ScheduleView> {
    const setting = this.setting(key);
    let nextRunAt: Date | null = null;
    if (setting.enabled) {
      const scheduler = await this.queue.scheduler(BUILT_IN_SCHEDULES[key].job, key);
      nextRunAt = scheduler?.next ? new Date(scheduler.next) : this.registryNext(key);
    }
    return {
      key,
      kind: key,
      cron: setting.cron,
      timezone: setting.timezone,
      enabled: setting.enabled,
      off: setting.enabled ? null : `${BUILT_IN_SCHEDULES[key].env}_ENABLED=false`,
      nextRunAt,
      lastRun,
      deployment: null,
    };
  }

  private async deploymentView(schedule: DeploymentScheduleWithEnvironment, lastRun: ScheduleRunRecord | null): Promise<ScheduleView> {
    const off = this.deploymentSchedules.switchedOff
      ? 'SCHEDULED_DEPLOYMENTS_ENABLED=false'
      : schedule.enabled
        ? null
        : 'the schedule is switched off (enabled: false)';
    return {
      key: schedule.id,
      kind: 'deployment',
      cron: schedule.cron,
      timezone: schedule.timezone,
      enabled: schedule.enabled,
      off,
      nextRunAt: off ? null : await this.deploymentSchedules.nextRunAt(schedule),
      lastRun,
      deployment: schedule,
    };
  }

  private registryNext(key: BuiltInScheduleKey): Date | null {
    const name = registryName(key);
    if (!this.registry.doesExist('cron', name)) return null;
    return this.registry.getCronJob(name).nextDate().toJSDate();
  }
}

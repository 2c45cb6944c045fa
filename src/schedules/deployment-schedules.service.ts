import { Injectable } from '@nestjs/common';
import { cronProblem, nextFire, timeZoneProblem } from '../common/cron-schedule.js';
import { ConflictError, InputError, NotFoundError } from '../common/errors.js';
import { Runtime } from '../config/runtime.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import { JobQueue } from '../infra/queue/job-queue.js';
import { UniqueViolation } from '../persistence/errors.js';
import { EnvironmentRepository } from '../persistence/repositories/environment.repository.js';
import {
  type DeploymentScheduleWithEnvironment,
  type ScheduleChange,
  ScheduleRepository,
} from '../persistence/repositories/schedule.repository.js';
import { RunbookCatalog } from '../runbooks/catalog.js';
import { type FiringResult, ScheduleFirings } from './schedule-firings.js';
import { deploymentScheduleKey, deploymentScheduleRequester } from './schedule-keys.js';

export interface DeploymentScheduleInput {
  environment: string;
  name: string;
  cron: string;
  timezone?: string;
  runbook?: string;
  phases?: string[];
  dryRun?: boolean;
  enabled?: boolean;
}

export type DeploymentScheduleUpdate = Partial<Omit<DeploymentScheduleInput, 'environment' | 'runbook'>>;

/**
 * Deployments per environment on a cron schedule (in a time zone). The rows live in PostgreSQL; each
 * enabled one has a BullMQ job scheduler in Redis that fires `schedules:deploy` once per moment
 * across all processes. A firing while the environment is busy (its previous run included) is
 * recorded as skipped with the reason: nothing is queued behind it.
 */
@Injectable()
export class DeploymentSchedulesService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly environments: EnvironmentRepository,
    private readonly deployments: DeploymentsService,
    private readonly catalog: RunbookCatalog,
    private readonly queue: JobQueue,
    private readonly firings: ScheduleFirings,
    private readonly runtime: Runtime,
  ) {}

  /** Off for every deployment schedule (SCHEDULED_DEPLOYMENTS_ENABLED=false)? */
  get switchedOff(): boolean {
    return !this.runtime.config.schedules.deploymentsEnabled;
  }

  async create(input: DeploymentScheduleInput, actor: string): Promise<DeploymentScheduleWithEnvironment> {
    const timezone = input.timezone ?? 'UTC';
    const runbookKey = input.runbook ?? 'openstack-liberty';
    const reasons = [...this.timingProblems(input.cron, timezone), ...this.phaseProblems(runbookKey, input.phases ?? [])];
    const environment = await this.environments.findByName(input.environment);
    if (!environment) reasons.unshift(`environment: ${input.environment} does not exist`);
    if (reasons.length > 0 || !environment) throw new InputError(reasons);
    let created: DeploymentScheduleWithEnvironment;
    try {
      created = await this.schedules.create(
        {
          environmentId: environment.id,
          name: input.name,
          cron: input.cron.trim(),
          timezone,
          runbookKey,
          phases: input.phases ?? [],
          dryRun: input.dryRun ?? false,
          enabled: input.enabled ?? true,
          createdBy: actor,
        },
        actor,
      );
    } catch (error) {
      if (error instanceof UniqueViolation)
        throw new ConflictError(`environment ${input.environment} already has a schedule named ${input.name}`);
      throw error;
    }
    await this.syncScheduler(created);
    return created;
  }

  async update(id: string, change: DeploymentScheduleUpdate, actor: string): Promise<DeploymentScheduleWithEnvironment> {
    const existing = await this.get(id);
    const reasons = [
      ...this.timingProblems(change.cron ?? existing.cron, change.timezone ?? existing.timezone, change),
      ...(change.phases ? this.phaseProblems(existing.runbookKey, change.phases) : []),
    ];
    if (reasons.length > 0) throw new InputError(reasons);
    const data: ScheduleChange = { ...change, ...(change.cron ? { cron: change.cron.trim() } : {}) };
    let updated: DeploymentScheduleWithEnvironment | null;
    try {
      updated = await this.schedules.update(id, data, actor);
    } catch (error) {
      if (error instanceof UniqueViolation) {
        throw new ConflictError(`environment ${existing.environment.name} already has a schedule named ${change.name}`);
      }
      throw error;
    }
    if (!updated) throw new NotFoundError(`schedule ${id} does not exist`);
    await this.syncScheduler(updated);
    return updated;
  }

  async delete(id: string, actor: string): Promise<void> {
    if (!(await this.schedules.delete(id, actor))) throw new NotFoundError(`schedule ${id} does not exist`);
    await this.queue.unschedule('schedules:deploy', deploymentScheduleKey(id));
  }

  async get(id: string): Promise<DeploymentScheduleWithEnvironment> {
    const found = await this.schedules.find(id);
    if (!found) throw new NotFoundError(`schedule ${id} does not exist`);
    return found;
  }

  list(filter: { environment?: string } = {}): Promise<DeploymentScheduleWithEnvironment[]> {
    return this.schedules.list(filter);
  }

  /** When it fires next (null when it is off), from its BullMQ scheduler, else from the expression itself. */
  async nextRunAt(schedule: DeploymentScheduleWithEnvironment): Promise<Date | null> {
    if (!schedule.enabled || this.switchedOff) return null;
    const scheduler = await this.queue.scheduler('schedules:deploy', deploymentScheduleKey(schedule.id));
    return scheduler?.next ? new Date(scheduler.next) : nextFire(schedule.cron, schedule.timezone);
  }

  /** Puts every schedule's BullMQ scheduler in line with its row and the switches (start-up, and now and then). */
  async reconcile(): Promise<void> {
    for (const schedule of await this.schedules.list()) await this.syncScheduler(schedule);
  }

  /** One firing: starts the deployment, or records why not (switched off, environment busy, plan refused). */
  async fire(scheduleId: string, fireKey: string): Promise<FiringResult & { runId?: string }> {
    return this.firings.fire(deploymentScheduleKey(scheduleId), fireKey, async () => {
      const schedule = await this.schedules.find(scheduleId);
      if (!schedule) return { outcome: 'skipped', reason: 'the schedule was deleted' };
      if (this.switchedOff) return { outcome: 'skipped', reason: 'scheduled deployments are off (SCHEDULED_DEPLOYMENTS_ENABLED=false)' };
      if (!schedule.enabled) return { outcome: 'skipped', reason: 'the schedule is off (enabled: false)' };
      try {
        const deployment = await this.deployments.create({
          environment: schedule.environment.name,
          runbook: schedule.runbookKey,
          ...(schedule.phases.length > 0 ? { phases: schedule.phases } : {}),
          dryRun: schedule.dryRun,
          trigger: 'schedule',
          requester: deploymentScheduleRequester(schedule.name),
        });
        return { outcome: 'done', deploymentId: deployment.id };
      } catch (error) {
        // The environment is busy (its previous scheduled run still going, or anything else): skip, do not queue.
        if (error instanceof ConflictError) return { outcome: 'skipped', reason: error.message };
        if (error instanceof InputError) return { outcome: 'failed', reason: error.reasons.join('; ') };
        throw error;
      }
    });
  }

  private async syncScheduler(schedule: DeploymentScheduleWithEnvironment): Promise<void> {
    const key = deploymentScheduleKey(schedule.id);
    if (schedule.enabled && !this.switchedOff) {
      await this.queue.schedule(key, 'schedules:deploy', { pattern: schedule.cron, tz: schedule.timezone }, { scheduleId: schedule.id });
    } else {
      await this.queue.unschedule('schedules:deploy', key);
    }
  }

  private timingProblems(cron: string, timezone: string, given: { cron?: string; timezone?: string } = { cron, timezone }): string[] {
    const reasons: string[] = [];
    const cronIssue = given.cron === undefined ? null : cronProblem(cron);
    if (cronIssue) reasons.push(`cron: ${cronIssue}`);
    const zoneIssue = given.timezone === undefined ? null : timeZoneProblem(timezone);
    if (zoneIssue) reasons.push(`timezone: ${zoneIssue}`);
    return reasons;
  }

  private phaseProblems(runbookKey: string, phases: string[]): string[] {
    const runbook = this.catalog.get(runbookKey);
    if (!runbook) return [`runbook: "${runbookKey}" is not one of ${[...this.catalog.keys()].join(', ')}`];
    const known = new Set(runbook.phases.map((p) => p.key));
    return phases.filter((p) => !known.has(p)).map((p) => `phases: "${p}" is not a phase of ${runbookKey}`);
  }
}

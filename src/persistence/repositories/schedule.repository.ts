import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { unique, UniqueViolation } from '../errors.js';
import { PrismaService } from '../prisma.service.js';
import type { DeploymentScheduleRecord, JsonValue, ScheduleRunRecord } from '../records.js';

export type DeploymentScheduleWithEnvironment = DeploymentScheduleRecord & { environment: { name: string } };

export interface NewDeploymentSchedule {
  environmentId: string;
  name: string;
  cron: string;
  timezone: string;
  runbookKey: string;
  phases: string[];
  dryRun: boolean;
  enabled: boolean;
  createdBy: string;
}

export type ScheduleChange = Partial<Pick<NewDeploymentSchedule, 'name' | 'cron' | 'timezone' | 'phases' | 'dryRun' | 'enabled'>>;

export type ScheduleRunOutcome = 'running' | 'done' | 'skipped' | 'failed';

const withEnvironment = { environment: { select: { name: true } } } satisfies Prisma.DeploymentScheduleInclude;

/** Deployment schedules and the record of every schedule's firings (built-in ones too). */
@Injectable()
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws UniqueViolation when the environment already has a schedule of that name. Audited in the same transaction. */
  create(input: NewDeploymentSchedule, actor: string): Promise<DeploymentScheduleWithEnvironment> {
    return unique('DeploymentSchedule.environmentId_name', () =>
      this.prisma.$transaction(async (tx) => {
        const created = await tx.deploymentSchedule.create({ data: input, include: withEnvironment });
        await tx.auditEvent.create({
          data: { actor, action: 'schedule.create', target: created.id, detail: auditDetail(created) as Prisma.InputJsonValue },
        });
        return created;
      }),
    );
  }

  /** Null when the schedule does not exist. */
  update(id: string, change: ScheduleChange, actor: string): Promise<DeploymentScheduleWithEnvironment | null> {
    return unique('DeploymentSchedule.environmentId_name', () =>
      this.prisma.$transaction(async (tx) => {
        const found = await tx.deploymentSchedule.findUnique({ where: { id } });
        if (!found) return null;
        const updated = await tx.deploymentSchedule.update({ where: { id }, data: change, include: withEnvironment });
        await tx.auditEvent.create({
          data: {
            actor,
            action: 'schedule.update',
            target: id,
            detail: { changed: Object.keys(change), ...auditDetail(updated) } as Prisma.InputJsonValue,
          },
        });
        return updated;
      }),
    );
  }

  /** False when the schedule does not exist. */
  delete(id: string, actor: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.deploymentSchedule.findUnique({ where: { id }, include: withEnvironment });
      if (!found) return false;
      await tx.deploymentSchedule.delete({ where: { id } });
      await tx.auditEvent.create({
        data: { actor, action: 'schedule.delete', target: id, detail: auditDetail(found) as Prisma.InputJsonValue },
      });
      return true;
    });
  }

  find(id: string): Promise<DeploymentScheduleWithEnvironment | null> {
    return this.prisma.deploymentSchedule.findUnique({ where: { id }, include: withEnvironment });
  }

  list(filter: { environment?: string } = {}): Promise<DeploymentScheduleWithEnvironment[]> {
    return this.prisma.deploymentSchedule.findMany({
      where: filter.environment ? { environment: { name: filter.environment } } : {},
      include: withEnvironment,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Claims one firing: the first process to insert (schedule, fire key) runs it; null for any
   * other (the same firing seen twice never runs twice).
   */
  async claimRun(scheduleKey: string, fireKey: string): Promise<ScheduleRunRecord | null> {
    try {
      return await unique('ScheduleRun.scheduleKey_fireKey', () =>
        this.prisma.scheduleRun.create({ data: { scheduleKey, fireKey, outcome: 'running' } }),
      );
    } catch (error) {
      if (error instanceof UniqueViolation) return null;
      throw error;
    }
  }

  async finishRun(
    id: string,
    result: { outcome: Exclude<ScheduleRunOutcome, 'running'>; reason?: string; deploymentId?: string; detail?: JsonValue },
  ): Promise<ScheduleRunRecord> {
    return this.prisma.scheduleRun.update({
      where: { id },
      data: {
        outcome: result.outcome,
        reason: result.reason ?? null,
        deploymentId: result.deploymentId ?? null,
        detail: result.detail as Prisma.InputJsonValue | undefined,
        finishedAt: new Date(),
      },
    });
  }

  /** Newest first. */
  runs(scheduleKey: string, limit = 20): Promise<ScheduleRunRecord[]> {
    return this.prisma.scheduleRun.findMany({ where: { scheduleKey }, orderBy: [{ firedAt: 'desc' }, { id: 'desc' }], take: limit });
  }

  /** The latest firing of each of these schedules. */
  async lastRuns(scheduleKeys: string[]): Promise<Map<string, ScheduleRunRecord>> {
    const rows = await this.prisma.scheduleRun.findMany({
      where: { scheduleKey: { in: scheduleKeys } },
      orderBy: [{ firedAt: 'desc' }, { id: 'desc' }],
      distinct: ['scheduleKey'],
    });
    return new Map(rows.map((row) => [row.scheduleKey, row]));
  }
}

function auditDetail(schedule: DeploymentScheduleWithEnvironment): Record<string, JsonValue> {
  return {
    environment: schedule.environment.name,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    phases: schedule.phases,
    dryRun: schedule.dryRun,
    enabled: schedule.enabled,
  };
}

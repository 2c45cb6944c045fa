import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma.service.js';
import type { AuditEventRecord, JsonValue } from '../records.js';

/** The audit trail: who (or which component) did what to what. Details never carry secret values. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(actor: string, action: string, target: string | null, detail?: JsonValue): Promise<void> {
    await this.prisma.auditEvent.create({ data: { actor, action, target, detail: detail as Prisma.InputJsonValue | undefined } });
  }

  /** Newest first; `before` pages backwards through time, `since` stops there. */
  list(filter: {
    action?: string;
    actor?: string;
    target?: string;
    before?: Date;
    since?: Date;
    limit: number;
  }): Promise<AuditEventRecord[]> {
    return this.prisma.auditEvent.findMany({
      where: {
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.actor ? { actor: filter.actor } : {}),
        ...(filter.target ? { target: filter.target } : {}),
        ...(filter.before || filter.since
          ? { at: { ...(filter.before ? { lt: filter.before } : {}), ...(filter.since ? { gte: filter.since } : {}) } }
          : {}),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
  }

  /** How many events of an action a target has, whose detail holds every given field with the given value. */
  count(action: string, target: string, detail: Record<string, string> = {}): Promise<number> {
    return this.prisma.auditEvent.count({
      where: { action, target, AND: Object.entries(detail).map(([key, value]) => ({ detail: { path: [key], equals: value } })) },
    });
  }

  /** Every event of an action for these targets, oldest first (e.g. the page versions each deployment published). */
  forTargets(action: string, targets: string[]): Promise<AuditEventRecord[]> {
    if (targets.length === 0) return Promise.resolve([]);
    return this.prisma.auditEvent.findMany({ where: { action, target: { in: targets } }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  /** The latest event of an action for a target (e.g. where a deployment's pages were published). */
  latest(action: string, target: string): Promise<AuditEventRecord | null> {
    return this.prisma.auditEvent.findFirst({ where: { action, target }, orderBy: { at: 'desc' } });
  }
}

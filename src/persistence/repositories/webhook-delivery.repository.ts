import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { UniqueViolation, unique } from '../errors.js';
import { PrismaService } from '../prisma.service.js';
import type { JsonValue } from '../records.js';

/** WebhookDelivery rows; the unique deliveryKey is what makes a retried delivery a no-op. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the row; null when the key, or the hash of the same body, was already recorded (a duplicate or a replay). */
  async claim(row: {
    source: string;
    deliveryKey: string;
    bodyHash?: string;
    event: string | null;
    outcome: string;
    detail: JsonValue;
  }): Promise<{
    id: string;
  } | null> {
    try {
      return await unique('WebhookDelivery.deliveryKey or bodyHash', () =>
        this.prisma.webhookDelivery.create({ data: { ...row, detail: row.detail as Prisma.InputJsonValue }, select: { id: true } }),
      );
    } catch (error) {
      if (error instanceof UniqueViolation) return null;
      throw error;
    }
  }

  /**
   * The claim a duplicate ran into when it is still unsettled ('requesting'): its handler is still at
   * work, or died (kill -9, crash) between claiming and settling it.
   */
  async unsettled(key: { deliveryKey: string; bodyHash?: string }): Promise<{ id: string; receivedAt: Date } | null> {
    return this.prisma.webhookDelivery.findFirst({
      where: {
        outcome: 'requesting',
        OR: [{ deliveryKey: key.deliveryKey }, ...(key.bodyHash ? [{ bodyHash: key.bodyHash }] : [])],
      },
      select: { id: true, receivedAt: true },
    });
  }

  /**
   * Takes over an unsettled claim made before `staleBefore` (its handler is taken for dead): true for
   * exactly one of several retries racing for it. The claim's time becomes now, so a live handler
   * of the takeover is not taken over in turn.
   */
  async retake(claim: { id: string; receivedAt: Date }, staleBefore: Date): Promise<boolean> {
    if (claim.receivedAt >= staleBefore) return false;
    const { count } = await this.prisma.webhookDelivery.updateMany({
      where: { id: claim.id, outcome: 'requesting', receivedAt: claim.receivedAt },
      data: { receivedAt: new Date() },
    });
    return count === 1;
  }

  async settle(id: string, outcome: string, detail: JsonValue, deploymentId?: string): Promise<void> {
    await this.prisma.webhookDelivery.update({ where: { id }, data: { outcome, detail: detail as Prisma.InputJsonValue, deploymentId } });
  }

  /** Forgets a claimed delivery that could not be handled now, so its retry is not taken for a duplicate. */
  async release(id: string): Promise<void> {
    await this.prisma.webhookDelivery.deleteMany({ where: { id } });
  }

  /** The JIRA issue whose transition requested this deployment (webhook or poll), if any. */
  async requestIssueOf(deploymentId: string): Promise<string | null> {
    const row = await this.prisma.webhookDelivery.findFirst({ where: { deploymentId, outcome: 'requested' }, select: { detail: true } });
    const issueKey = (row?.detail as { issueKey?: unknown } | null)?.issueKey;
    return typeof issueKey === 'string' ? issueKey : null;
  }

  /** A deployment already asked for this issue since `since` (by webhook or poll). */
  async requestedSince(issueKey: string, since: Date): Promise<boolean> {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { outcome: 'requested', receivedAt: { gte: since }, detail: { path: ['issueKey'], equals: issueKey } },
      select: { id: true },
    });
    return row !== null;
  }
}

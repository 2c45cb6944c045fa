import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma.service.js';
import type { JsonValue } from '../records.js';

/** WebhookDelivery rows; the unique deliveryKey is what makes a retried delivery a no-op. */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the row; null when the key, or the hash of the same body, was already recorded (a
   * duplicate or a replay). Dated by PostgreSQL's clock, as `retake` judges it: the services that
   * claim and the one that may take over can run on machines whose clocks disagree.
   */
  async claim(row: {
    source: string;
    deliveryKey: string;
    bodyHash?: string;
    event: string | null;
    outcome: string;
    detail: JsonValue;
  }): Promise<{ id: string } | null> {
    const detail = row.detail === null || row.detail === undefined ? null : JSON.stringify(row.detail);
    const inserted = await this.prisma.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "WebhookDelivery" (id, source, "deliveryKey", "bodyHash", event, outcome, detail, "receivedAt")
      VALUES (${randomUUID()}, ${row.source}, ${row.deliveryKey}, ${row.bodyHash ?? null}, ${row.event}, ${row.outcome},
        ${detail}::jsonb, now() AT TIME ZONE 'UTC')
      ON CONFLICT DO NOTHING RETURNING id`;
    return inserted[0] ?? null;
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
   * Takes over an unsettled claim older than `timeoutSeconds` by PostgreSQL's clock (its handler is
   * taken for dead): true for exactly one of several retries racing for it. The claim's time
   * becomes now, so a live handler of the takeover is not taken over in turn.
   */
  async retake(claim: { id: string; receivedAt: Date }, timeoutSeconds: number): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE "WebhookDelivery" SET "receivedAt" = now() AT TIME ZONE 'UTC'
      WHERE id = ${claim.id} AND outcome = 'requesting'
        AND "receivedAt" = ${claim.receivedAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'
        AND "receivedAt" < now() AT TIME ZONE 'UTC' - make_interval(secs => ${timeoutSeconds}::float8)`;
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

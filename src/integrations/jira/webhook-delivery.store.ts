import { Prisma, type PrismaClient } from '@prisma/client';

/** WebhookDelivery rows; the unique deliveryKey is what makes a retried delivery a no-op. */
export class WebhookDeliveryStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Inserts the row; false when the key was already recorded (a duplicate delivery). */
  async claim(row: {
    source: string;
    deliveryKey: string;
    event: string | null;
    outcome: string;
    detail: Prisma.InputJsonValue;
  }): Promise<{ id: string } | null> {
    try {
      return await this.prisma.webhookDelivery.create({ data: row, select: { id: true } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return null;
      throw error;
    }
  }

  async settle(id: string, outcome: string, detail: Prisma.InputJsonValue, deploymentId?: string): Promise<void> {
    await this.prisma.webhookDelivery.update({ where: { id }, data: { outcome, detail, deploymentId } });
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

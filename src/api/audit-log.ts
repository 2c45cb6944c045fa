import { Prisma, PrismaClient } from '@prisma/client';

/** Who changed what through the API; details never carry secret values. */
export class AuditLog {
  constructor(private readonly db: PrismaClient) {}

  async record(actor: string, action: string, target: string, detail?: Record<string, unknown>): Promise<void> {
    await this.db.auditEvent.create({ data: { actor, action, target, detail: detail as Prisma.InputJsonValue | undefined } });
  }
}

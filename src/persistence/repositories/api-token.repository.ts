import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service.js';
import type { ApiRole, ApiTokenRecord } from '../records.js';

/** API tokens, stored by the hash of their value only. */
@Injectable()
export class ApiTokenRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHash(tokenHash: string): Promise<ApiTokenRecord | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
  }

  findById(id: string): Promise<ApiTokenRecord | null> {
    return this.prisma.apiToken.findUnique({ where: { id } });
  }

  async touch(id: string): Promise<void> {
    await this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }

  countActive(): Promise<number> {
    return this.prisma.apiToken.count({ where: { revokedAt: null } });
  }

  create(data: { name: string; role: ApiRole; tokenHash: string }): Promise<ApiTokenRecord> {
    return this.prisma.apiToken.create({ data });
  }

  list(): Promise<ApiTokenRecord[]> {
    return this.prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' } });
  }

  revoke(id: string): Promise<ApiTokenRecord> {
    return this.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  }
}

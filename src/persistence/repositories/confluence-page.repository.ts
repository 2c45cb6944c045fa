import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service.js';
import type { ConfluencePageRecord } from '../records.js';

/** The Confluence pages OpSprint published per environment, with the hash of what it last wrote. */
@Injectable()
export class ConfluencePageRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(environmentId: string): Promise<ConfluencePageRecord[]> {
    return this.prisma.confluencePage.findMany({ where: { environmentId } });
  }

  find(environmentId: string, key: string): Promise<ConfluencePageRecord | null> {
    return this.prisma.confluencePage.findUnique({ where: { environmentId_key: { environmentId, key } } });
  }

  /** `published`: the page got a new version now (an unchanged page keeps its publishedAt). */
  async save(
    environmentId: string,
    page: { key: string; pageId: string; title: string; version: number; contentHash: string },
    published: boolean,
  ): Promise<void> {
    await this.prisma.confluencePage.upsert({
      where: { environmentId_key: { environmentId, key: page.key } },
      create: { environmentId, ...page },
      update: {
        pageId: page.pageId,
        title: page.title,
        version: page.version,
        contentHash: page.contentHash,
        ...(published ? { publishedAt: new Date() } : {}),
      },
    });
  }
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service.js';
import type { ConfluencePageRecord } from '../records.js';

/** Where a page row holds: one Confluence site (base URL, no trailing slash) and space. */
export interface ConfluenceSite {
  site: string;
  spaceKey: string;
}

/** The Confluence pages OpSprint published per environment and site + space, with the hash of what it last wrote. */
@Injectable()
export class ConfluencePageRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(environmentId: string, at: ConfluenceSite): Promise<ConfluencePageRecord[]> {
    return this.prisma.confluencePage.findMany({ where: { environmentId, site: at.site, spaceKey: at.spaceKey } });
  }

  find(environmentId: string, key: string, at: ConfluenceSite): Promise<ConfluencePageRecord | null> {
    return this.prisma.confluencePage.findUnique({
      where: { environmentId_site_spaceKey_key: { environmentId, site: at.site, spaceKey: at.spaceKey, key } },
    });
  }

  /** `published`: the page got a new version now (an unchanged page keeps its publishedAt). */
  async save(
    environmentId: string,
    at: ConfluenceSite,
    page: { key: string; pageId: string; title: string; version: number; contentHash: string },
    published: boolean,
  ): Promise<void> {
    const { site, spaceKey } = at;
    await this.prisma.confluencePage.upsert({
      where: { environmentId_site_spaceKey_key: { environmentId, site, spaceKey, key: page.key } },
      create: { environmentId, site, spaceKey, ...page },
      update: {
        pageId: page.pageId,
        title: page.title,
        version: page.version,
        contentHash: page.contentHash,
        ...(published ? { publishedAt: new Date() } : {}),
      },
    });
  }

  /** A page that is gone from its site: the next publish creates it again instead of trusting the row. */
  async remove(environmentId: string, key: string, at: ConfluenceSite): Promise<void> {
    await this.prisma.confluencePage.deleteMany({ where: { environmentId, key, site: at.site, spaceKey: at.spaceKey } });
  }
}

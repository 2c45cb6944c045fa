import { Injectable } from '@nestjs/common';
import type { JiraLinkRecord } from '../records.js';
import { PrismaService } from '../prisma.service.js';

export type JiraEntityType = 'epic' | 'story';

/** A JIRA status as OpSprint remembers it: its name and its category key (new, indeterminate, done). */
export interface KnownStatus {
  name: string;
  category: string | null;
}

/**
 * Where a link holds: one JIRA site (base URL, no trailing slash) and project. A key remembered
 * for another site or project means nothing here, so every read and write names its site.
 */
export interface JiraSite {
  site: string;
  projectKey: string;
}

/** JiraLink rows: which JIRA issue stands for which runbook entity in an environment, on one site and project. */
@Injectable()
export class JiraLinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(environmentId: string, runbookKey: string, at: JiraSite): Promise<JiraLinkRecord[]> {
    return this.prisma.jiraLink.findMany({ where: { environmentId, runbookKey, site: at.site, projectKey: at.projectKey } });
  }

  /** Without a site: the link most recently written on any site (readers that do not talk to JIRA, like the reports). */
  findByEntity(environmentId: string, entityKey: string, at?: JiraSite): Promise<JiraLinkRecord | null> {
    return this.prisma.jiraLink.findFirst({
      where: { environmentId, entityKey, ...(at ? { site: at.site, projectKey: at.projectKey } : {}) },
      orderBy: { updatedAt: 'desc' },
    });
  }

  /** findByEntity for several entities of one environment at once, by entity key (absent: no link). */
  async findByEntities(environmentId: string, entityKeys: string[], at?: JiraSite): Promise<Map<string, JiraLinkRecord>> {
    if (entityKeys.length === 0) return new Map();
    const rows = await this.prisma.jiraLink.findMany({
      where: { environmentId, entityKey: { in: entityKeys }, ...(at ? { site: at.site, projectKey: at.projectKey } : {}) },
      orderBy: { updatedAt: 'desc' },
    });
    const latest = new Map<string, JiraLinkRecord>();
    for (const row of rows) if (!latest.has(row.entityKey)) latest.set(row.entityKey, row);
    return latest;
  }

  /** Every link of these environments (any runbook, any site). */
  forEnvironments(environmentIds: string[]): Promise<JiraLinkRecord[]> {
    if (environmentIds.length === 0) return Promise.resolve([]);
    return this.prisma.jiraLink.findMany({ where: { environmentId: { in: environmentIds } } });
  }

  findByIssueKey(issueKey: string, at?: JiraSite): Promise<JiraLinkRecord | null> {
    return this.prisma.jiraLink.findFirst({
      where: { issueKey, ...(at ? { site: at.site, projectKey: at.projectKey } : {}) },
      orderBy: { updatedAt: 'desc' },
    });
  }

  save(link: {
    environmentId: string;
    at: JiraSite;
    runbookKey: string;
    entityKey: string;
    entityType: JiraEntityType;
    issueKey: string;
    issueId: string;
    status?: KnownStatus | null;
  }): Promise<JiraLinkRecord> {
    const { environmentId, at, runbookKey, entityKey, status, ...rest } = link;
    const statusColumns = status === undefined ? {} : { status: status?.name ?? null, statusCategory: status?.category ?? null };
    const { site, projectKey } = at;
    return this.prisma.jiraLink.upsert({
      where: { environmentId_site_projectKey_runbookKey_entityKey: { environmentId, site, projectKey, runbookKey, entityKey } },
      create: { environmentId, site, projectKey, runbookKey, entityKey, ...rest, ...statusColumns },
      update: { issueKey: link.issueKey, issueId: link.issueId, entityType: link.entityType, ...statusColumns },
    });
  }

  async setStatus(id: string, status: KnownStatus): Promise<void> {
    await this.prisma.jiraLink.update({ where: { id }, data: { status: status.name, statusCategory: status.category } });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.jiraLink.delete({ where: { id } });
  }
}

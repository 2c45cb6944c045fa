import { Injectable } from '@nestjs/common';
import type { JiraLinkRecord } from '../records.js';
import { PrismaService } from '../prisma.service.js';

export type JiraEntityType = 'epic' | 'story';

/** A JIRA status as OpSprint remembers it: its name and its category key (new, indeterminate, done). */
export interface KnownStatus {
  name: string;
  category: string | null;
}

/** JiraLink rows: which JIRA issue stands for which runbook entity in an environment. */
@Injectable()
export class JiraLinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(environmentId: string, runbookKey: string): Promise<JiraLinkRecord[]> {
    return this.prisma.jiraLink.findMany({ where: { environmentId, runbookKey } });
  }

  find(environmentId: string, runbookKey: string, entityKey: string): Promise<JiraLinkRecord | null> {
    return this.prisma.jiraLink.findUnique({ where: { environmentId_runbookKey_entityKey: { environmentId, runbookKey, entityKey } } });
  }

  /** Every link of these environments (any runbook). */
  forEnvironments(environmentIds: string[]): Promise<JiraLinkRecord[]> {
    if (environmentIds.length === 0) return Promise.resolve([]);
    return this.prisma.jiraLink.findMany({ where: { environmentId: { in: environmentIds } } });
  }

  findByEntity(environmentId: string, entityKey: string): Promise<JiraLinkRecord | null> {
    return this.prisma.jiraLink.findFirst({ where: { environmentId, entityKey }, orderBy: { updatedAt: 'desc' } });
  }

  findByIssueKey(issueKey: string): Promise<JiraLinkRecord | null> {
    return this.prisma.jiraLink.findFirst({ where: { issueKey } });
  }

  save(link: {
    environmentId: string;
    runbookKey: string;
    entityKey: string;
    entityType: JiraEntityType;
    issueKey: string;
    issueId: string;
    status?: KnownStatus | null;
  }): Promise<JiraLinkRecord> {
    const { environmentId, runbookKey, entityKey, status, ...rest } = link;
    const statusColumns = status === undefined ? {} : { status: status?.name ?? null, statusCategory: status?.category ?? null };
    return this.prisma.jiraLink.upsert({
      where: { environmentId_runbookKey_entityKey: { environmentId, runbookKey, entityKey } },
      create: { environmentId, runbookKey, entityKey, ...rest, ...statusColumns },
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

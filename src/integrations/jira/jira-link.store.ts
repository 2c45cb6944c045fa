import type { JiraLink, PrismaClient } from '@prisma/client';

export type EntityType = 'epic' | 'story';

/** JiraLink rows: which JIRA issue stands for which runbook entity in an environment. */
export class JiraLinkStore {
  constructor(private readonly prisma: PrismaClient) {}

  list(environmentId: string, runbookKey: string): Promise<JiraLink[]> {
    return this.prisma.jiraLink.findMany({ where: { environmentId, runbookKey } });
  }

  find(environmentId: string, runbookKey: string, entityKey: string): Promise<JiraLink | null> {
    return this.prisma.jiraLink.findUnique({ where: { environmentId_runbookKey_entityKey: { environmentId, runbookKey, entityKey } } });
  }

  findByEntity(environmentId: string, entityKey: string): Promise<JiraLink | null> {
    return this.prisma.jiraLink.findFirst({ where: { environmentId, entityKey }, orderBy: { updatedAt: 'desc' } });
  }

  findByIssueKey(issueKey: string): Promise<JiraLink | null> {
    return this.prisma.jiraLink.findFirst({ where: { issueKey } });
  }

  save(link: {
    environmentId: string;
    runbookKey: string;
    entityKey: string;
    entityType: EntityType;
    issueKey: string;
    issueId: string;
    status?: string | null;
  }): Promise<JiraLink> {
    const { environmentId, runbookKey, entityKey } = link;
    return this.prisma.jiraLink.upsert({
      where: { environmentId_runbookKey_entityKey: { environmentId, runbookKey, entityKey } },
      create: link,
      update: {
        issueKey: link.issueKey,
        issueId: link.issueId,
        entityType: link.entityType,
        ...(link.status !== undefined ? { status: link.status } : {}),
      },
    });
  }

  async setStatus(id: string, status: string): Promise<void> {
    await this.prisma.jiraLink.update({ where: { id }, data: { status } });
  }

  async remove(id: string): Promise<void> {
    await this.prisma.jiraLink.delete({ where: { id } });
  }
}

import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { unique } from '../errors.js';
import { PrismaService } from '../prisma.service.js';
import type { SprintRecord, SprintScopeChangeRecord } from '../records.js';

export type SprintStateValue = SprintRecord['state'];
export type SprintSourceValue = SprintRecord['source'];

export interface NewSprint {
  name: string;
  goal: string | null;
  startAt: Date;
  endAt: Date;
  state: SprintStateValue;
  source: SprintSourceValue;
  jiraSprintId?: number | null;
  environmentId?: string | null;
  completedAt?: Date | null;
}

/** A story as the sprint backlog holds it (see SprintScopeChange in the schema). */
export interface ScopeStory {
  /** The JIRA issue key, or `<environment>:<phase>/<story>` without JIRA. */
  storyKey: string;
  epicKey: string | null;
  phaseKey: string | null;
  runbookStoryKey: string | null;
  title: string;
  storyPoints: number | null;
}

export interface NewScopeChange extends ScopeStory {
  kind: SprintScopeChangeRecord['kind'];
  at: Date;
}

export type SprintWithEnvironment = SprintRecord & { environment: { id: string; name: string } | null };
export type SprintSummaryRow = SprintWithEnvironment & { _count: { deployments: number; scopeChanges: number } };

const withEnvironment = { environment: { select: { id: true, name: true } } } satisfies Prisma.SprintInclude;

/** Sprints, their backlog (committed, then added and removed with times) and the deployments that ran in them. */
@Injectable()
export class SprintRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws UniqueViolation when a sprint with the same JIRA id exists. */
  create(sprint: NewSprint, scope: NewScopeChange[] = []): Promise<SprintRecord> {
    return unique('Sprint.jiraSprintId', () =>
      this.prisma.sprint.create({
        data: {
          name: sprint.name,
          goal: sprint.goal,
          startAt: sprint.startAt,
          endAt: sprint.endAt,
          completedAt: sprint.completedAt ?? null,
          state: sprint.state,
          source: sprint.source,
          jiraSprintId: sprint.jiraSprintId ?? null,
          environmentId: sprint.environmentId ?? null,
          scopeChanges: { create: scope },
        },
      }),
    );
  }

  find(id: string): Promise<SprintWithEnvironment | null> {
    return this.prisma.sprint.findUnique({ where: { id }, include: withEnvironment });
  }

  findByJiraId(jiraSprintId: number): Promise<SprintRecord | null> {
    return this.prisma.sprint.findUnique({ where: { jiraSprintId } });
  }

  /** Newest first, with how many deployments and scope changes each has. */
  list(filter: { state?: SprintStateValue; limit?: number } = {}): Promise<SprintSummaryRow[]> {
    return this.prisma.sprint.findMany({
      where: filter.state ? { state: filter.state } : {},
      include: { ...withEnvironment, _count: { select: { deployments: true, scopeChanges: true } } },
      orderBy: [{ startAt: 'desc' }, { createdAt: 'desc' }],
      take: filter.limit ?? 100,
    });
  }

  /**
   * The sprint a deployment of this environment belongs to at `at`: an active sprint of that
   * environment, else an active sprint for every environment; the latest started wins.
   */
  async activeAt(environmentId: string, at: Date): Promise<SprintRecord | null> {
    const candidates = await this.prisma.sprint.findMany({
      where: { state: 'active', startAt: { lte: at }, OR: [{ environmentId }, { environmentId: null }] },
      orderBy: { startAt: 'desc' },
    });
    return candidates.find((s) => s.environmentId === environmentId) ?? candidates[0] ?? null;
  }

  update(
    id: string,
    fields: Partial<Pick<SprintRecord, 'name' | 'goal' | 'startAt' | 'endAt' | 'state' | 'completedAt'>>,
  ): Promise<SprintRecord> {
    return this.prisma.sprint.update({ where: { id }, data: fields });
  }

  /** The board was read at `at`, these JIRA sprints with it (one statement for the whole board). */
  async markBoardRead(jiraSprintIds: number[], at: Date): Promise<void> {
    if (jiraSprintIds.length === 0) return;
    await this.prisma.sprint.updateMany({ where: { jiraSprintId: { in: jiraSprintIds } }, data: { boardReadAt: at } });
  }

  /** The last time any sprint was read from the JIRA board (null: never). */
  async lastBoardRead(): Promise<Date | null> {
    const found = await this.prisma.sprint.aggregate({ _max: { boardReadAt: true } });
    return found._max.boardReadAt;
  }

  /** future → active, once; false when the sprint was not future any more. */
  async markStarted(id: string, startAt: Date, endAt: Date): Promise<boolean> {
    const changed = await this.prisma.sprint.updateMany({ where: { id, state: 'future' }, data: { state: 'active', startAt, endAt } });
    return changed.count === 1;
  }

  /** active → closed, once; false when it was not active. */
  async markClosed(id: string, completedAt: Date): Promise<boolean> {
    const changed = await this.prisma.sprint.updateMany({ where: { id, state: 'active' }, data: { state: 'closed', completedAt } });
    return changed.count === 1;
  }

  async setReviewPage(id: string, page: { pageId: string; url: string; version: number; publishedAt: Date }): Promise<void> {
    await this.prisma.sprint.update({
      where: { id },
      data: { reviewPageId: page.pageId, reviewPageUrl: page.url, reviewPageVersion: page.version, reviewPublishedAt: page.publishedAt },
    });
  }

  scopeChanges(sprintId: string): Promise<SprintScopeChangeRecord[]> {
    return this.prisma.sprintScopeChange.findMany({ where: { sprintId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  async addScopeChanges(sprintId: string, changes: NewScopeChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.prisma.sprintScopeChange.createMany({ data: changes.map((change) => ({ ...change, sprintId })) });
  }

  /** Puts a deployment in a sprint (the one active when it started). */
  async assignDeployment(deploymentId: string, sprintId: string): Promise<void> {
    await this.prisma.deployment.update({ where: { id: deploymentId }, data: { sprintId } });
  }

  /**
   * Deployments in no sprint yet that ran while this one was active (started before its end and
   * still running, or finished, after its start), e.g. the one whose work started a JIRA sprint.
   */
  async adoptDeployments(sprint: Pick<SprintRecord, 'id' | 'startAt' | 'endAt' | 'completedAt' | 'environmentId'>): Promise<number> {
    const end = sprint.completedAt ?? sprint.endAt;
    const adopted = await this.prisma.deployment.updateMany({
      where: {
        sprintId: null,
        ...(sprint.environmentId ? { environmentId: sprint.environmentId } : {}),
        createdAt: { lte: end },
        OR: [{ finishedAt: null }, { finishedAt: { gte: sprint.startAt } }],
      },
      data: { sprintId: sprint.id },
    });
    return adopted.count;
  }

  /** Everything the sprint review is computed from: the sprint, its backlog and its deployments' whole ledger. */
  reportData(sprintId: string) {
    return this.prisma.sprint.findUnique({
      where: { id: sprintId },
      include: {
        ...withEnvironment,
        scopeChanges: { orderBy: [{ at: 'asc' }, { id: 'asc' }] },
        deployments: {
          orderBy: { createdAt: 'asc' },
          include: {
            environment: { select: { id: true, name: true } },
            phaseRuns: { orderBy: { position: 'asc' } },
            stepRuns: { select: { id: true, phaseRunId: true, storyKey: true, stepKey: true, title: true, node: true, position: true } },
            stepAttempts: { orderBy: [{ startedAt: 'asc' }, { attempt: 'asc' }] },
          },
        },
      },
    });
  }
}

export type SprintReportData = NonNullable<Awaited<ReturnType<SprintRepository['reportData']>>>;

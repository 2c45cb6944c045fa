import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service.js';
import type { StoryStatusChangeRecord } from '../records.js';

export type StoryStatusCategoryValue = StoryStatusChangeRecord['category'];

export interface NewStoryStatus {
  storyKey: string;
  environmentId: string | null;
  /** The runbook story (`<phase>/<story>`) behind the key, when there is one. */
  entityKey: string | null;
  category: StoryStatusCategoryValue;
  source: string;
  deploymentId: string | null;
  at: Date;
}

/** The status history of stories: what the burndown and "done" are computed from. */
@Injectable()
export class StoryStatusRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records each status unless its story's latest recorded one is the same already (a rerun that
   * finds a story done again is not a new transition); how many were new. One read and one
   * write for all of them: a phase passes all its stories at once, and reading each story's
   * latest status on its own made most of a rerun's statements.
   */
  async record(changes: NewStoryStatus[]): Promise<number> {
    if (changes.length === 0) return 0;
    const sameStory = (change: NewStoryStatus) =>
      change.entityKey && change.environmentId
        ? [{ storyKey: change.storyKey }, { environmentId: change.environmentId, entityKey: change.entityKey }]
        : [{ storyKey: change.storyKey }];
    const history = await this.prisma.storyStatusChange.findMany({
      where: { OR: changes.flatMap(sameStory) },
      select: { storyKey: true, environmentId: true, entityKey: true, category: true },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    });
    const fresh = changes.filter((change) => {
      const latest = history.find(
        (row) =>
          row.storyKey === change.storyKey ||
          (!!change.entityKey &&
            !!change.environmentId &&
            row.environmentId === change.environmentId &&
            row.entityKey === change.entityKey),
      );
      return latest?.category !== change.category;
    });
    if (fresh.length > 0) await this.prisma.storyStatusChange.createMany({ data: fresh });
    return fresh.length;
  }

  /** Every recorded status of these stories (by key, or by their runbook story in an environment). */
  forStories(storyKeys: string[], runbookStories: { environmentId: string; entityKey: string }[]): Promise<StoryStatusChangeRecord[]> {
    if (storyKeys.length === 0 && runbookStories.length === 0) return Promise.resolve([]);
    return this.prisma.storyStatusChange.findMany({
      where: {
        OR: [{ storyKey: { in: storyKeys } }, ...runbookStories.map((s) => ({ environmentId: s.environmentId, entityKey: s.entityKey }))],
      },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
    });
  }

  latest(storyKey: string): Promise<StoryStatusChangeRecord | null> {
    return this.prisma.storyStatusChange.findFirst({ where: { storyKey }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
  }
}

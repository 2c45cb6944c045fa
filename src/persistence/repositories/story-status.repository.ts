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
   * Records a status unless the story's latest recorded one is the same already (a rerun that
   * finds a story done again is not a new transition).
   */
  async record(change: NewStoryStatus): Promise<boolean> {
    const latest = await this.prisma.storyStatusChange.findFirst({
      where:
        change.entityKey && change.environmentId
          ? { OR: [{ storyKey: change.storyKey }, { environmentId: change.environmentId, entityKey: change.entityKey }] }
          : { storyKey: change.storyKey },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    });
    if (latest?.category === change.category) return false;
    await this.prisma.storyStatusChange.create({ data: change });
    return true;
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

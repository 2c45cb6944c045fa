import { DAY_MS, type SprintWindow } from './sprint-window.js';
import { round } from './stats.js';
import type { StoryTimeline } from './story-timeline.js';
import { usesStoryPoints } from './scope.js';

export interface BurndownDay {
  /** 0 is the sprint's start; day k is sampled k × 24 h after it (the last one at the planned end). */
  day: number;
  at: Date;
  /** Stories in the backlog at that moment and not done; null for a moment after the report's. */
  remaining: number | null;
  /** Stories in the backlog at that moment; null after the report's moment. */
  scope: number | null;
  /** The committed stories burnt down in a straight line to 0 at the planned end (2 decimals). */
  ideal: number;
  remainingPoints: number | null;
  idealPoints: number | null;
}

export interface Burndown {
  days: BurndownDay[];
  /** Remaining work at the report's moment (between two samples while the sprint runs). */
  current: { at: Date; remaining: number; remainingPoints: number | null };
}

export function burndown(timeline: StoryTimeline, window: SprintWindow): Burndown {
  const points = usesStoryPoints(timeline);
  const start = window.startAt.getTime();
  const end = window.endAt.getTime();
  const committed = [...timeline.committed].map((key) => timeline.stories.get(key)!);
  const committedPoints = committed.reduce((sum, story) => sum + (story.storyPoints ?? 0), 0);
  const remainingAt = (at: Date) => {
    const open = timeline.scopeAt(at).filter((story) => !timeline.isDone(story.issueKey, at));
    return { stories: open.length, points: points ? open.reduce((sum, story) => sum + (story.storyPoints ?? 0), 0) : null };
  };
  const dayCount = Math.max(1, Math.ceil((end - start) / DAY_MS));
  const days: BurndownDay[] = [];
  for (let day = 0; day <= dayCount; day++) {
    const at = new Date(Math.min(start + day * DAY_MS, end));
    const left = 1 - (at.getTime() - start) / (end - start);
    const past = at <= window.asOf;
    const remaining = past ? remainingAt(at) : null;
    days.push({
      day,
      at,
      remaining: remaining?.stories ?? null,
      scope: past ? timeline.scopeAt(at).length : null,
      ideal: round(committed.length * left, 2),
      remainingPoints: remaining?.points ?? null,
      idealPoints: points ? round(committedPoints * left, 2) : null,
    });
  }
  const now = remainingAt(window.asOf);
  return { days, current: { at: window.asOf, remaining: now.stories, remainingPoints: now.points } };
}

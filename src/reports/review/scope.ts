import type { DeploymentRecord } from '../model/deployment-record.js';
import { type Links, links } from '../model/links.js';
import type { SprintStory } from '../model/sprint.js';
import type { StoryStatusCategory } from '../model/story-status.js';
import { latestRunOfStory } from './ledger.js';
import type { SprintWindow } from './sprint-window.js';
import { addTo, sortBy } from './stats.js';
import type { StoryTimeline } from './story-timeline.js';

/** A number of stories and, when the sprint uses story points, their sum (unestimated stories count 0). */
export interface StoryTally {
  stories: number;
  storyPoints: number | null;
}

export interface ScopeSummary {
  /** The sprint backlog at the start. */
  committed: StoryTally;
  /** Effective additions after the start (a story added twice counts twice). */
  added: StoryTally;
  /** Effective removals after the start. */
  removed: StoryTally;
  /** The backlog as of the report: committed + added − removed. */
  final: StoryTally;
  /** Stories of the final backlog that are done. */
  done: StoryTally;
  /** Committed stories still in the backlog and done. */
  committedDone: StoryTally;
  /** Stories of the final backlog not done (carried over when the sprint closes). */
  notDone: StoryTally;
  /** done / final by stories; null for an empty backlog. */
  completionRatio: number | null;
  /** Stories of the final backlog without points, when the sprint uses points. */
  unestimatedStories: number;
}

export interface StoryLine {
  issueKey: string;
  epicKey: string | null;
  phaseKey: string | null;
  storyKey: string | null;
  title: string;
  storyPoints: number | null;
  committed: boolean;
  inScope: boolean;
  /** Last time it was added after the start. */
  addedAt: Date | null;
  /** Last time it was removed, when it is out of the backlog. */
  removedAt: Date | null;
  status: StoryStatusCategory;
  /** When it became done, when it is done. */
  doneAt: Date | null;
  /** The story, its epic, and the latest deployment that ran it with its phase page version. */
  links: Links;
}

export interface EpicLine {
  epicKey: string;
  phaseKey: string | null;
  /** It had a committed story at the start. */
  committed: boolean;
  /** Stories of the final backlog in this epic. */
  stories: number;
  doneStories: number;
  storyPoints: number | null;
  donePoints: number | null;
  /** Every story of the epic in the final backlog is done (and there is at least one). */
  done: boolean;
  links: Links;
}

export interface EpicSummary {
  committed: number;
  committedDone: number;
  /** Epics with a story in the final backlog. */
  total: number;
  done: number;
  epics: EpicLine[];
}

/** Story points are reported when any story of the sprint carries them (the JIRA field exists). */
export const usesStoryPoints = (timeline: StoryTimeline): boolean =>
  [...timeline.stories.values()].some((story) => story.storyPoints !== null);

/**
 * Says what the review's numbers count, for the page and the dashboard: story points when the
 * sprint's stories carry JIRA's story points field, else stories (the fallback).
 */
export function countingNote(usesPoints: boolean): string {
  return usesPoints
    ? "Counted in story points (JIRA's story points field) and in stories; a story without points counts 0 points."
    : 'Counted in stories: no story of this sprint has story points in JIRA.';
}

export function tally(stories: SprintStory[], points: boolean): StoryTally {
  return {
    stories: stories.length,
    storyPoints: points ? stories.reduce((sum, story) => sum + (story.storyPoints ?? 0), 0) : null,
  };
}

export function scopeSummary(timeline: StoryTimeline, window: SprintWindow): ScopeSummary {
  const points = usesStoryPoints(timeline);
  const story = (key: string) => timeline.stories.get(key)!;
  const changes = timeline.changes.filter((change) => change.at <= window.asOf);
  const final = timeline.scopeAt(window.asOf);
  const done = final.filter((s) => timeline.isDone(s.issueKey, window.asOf));
  const notDone = final.filter((s) => !timeline.isDone(s.issueKey, window.asOf));
  return {
    committed: tally([...timeline.committed].map(story), points),
    added: tally(
      changes.filter((c) => c.kind === 'added').map((c) => story(c.issueKey)),
      points,
    ),
    removed: tally(
      changes.filter((c) => c.kind === 'removed').map((c) => story(c.issueKey)),
      points,
    ),
    final: tally(final, points),
    done: tally(done, points),
    committedDone: tally(
      done.filter((s) => timeline.committed.has(s.issueKey)),
      points,
    ),
    notDone: tally(notDone, points),
    completionRatio: final.length === 0 ? null : done.length / final.length,
    unestimatedStories: points ? final.filter((s) => s.storyPoints === null).length : 0,
  };
}

export function storyLines(timeline: StoryTimeline, window: SprintWindow, deployments: DeploymentRecord[]): StoryLine[] {
  const { asOf } = window;
  const lines = [...timeline.stories.values()].map((story): StoryLine => {
    const inScope = timeline.isInScope(story.issueKey, asOf);
    const status = timeline.statusAt(story.issueKey, asOf);
    const run = latestRunOfStory(deployments, story.issueKey, asOf);
    return {
      issueKey: story.issueKey,
      epicKey: story.epicKey,
      phaseKey: story.phaseKey,
      storyKey: story.storyKey,
      title: story.title,
      storyPoints: story.storyPoints,
      committed: timeline.committed.has(story.issueKey),
      inScope,
      addedAt: timeline.lastChange(story.issueKey, 'added', asOf),
      removedAt: inScope ? null : timeline.lastChange(story.issueKey, 'removed', asOf),
      status,
      doneAt: status === 'done' ? timeline.statusSince(story.issueKey, asOf) : null,
      links: links({ ...run, issueKey: story.issueKey, epicKey: story.epicKey ?? run?.epicKey ?? null }),
    };
  });
  return sortBy(lines, (line) => line.issueKey);
}

export function epicSummary(timeline: StoryTimeline, stories: StoryLine[]): EpicSummary {
  const points = usesStoryPoints(timeline);
  const byEpic = new Map<string, StoryLine[]>();
  for (const line of stories) {
    if (line.epicKey === null) continue;
    addTo(byEpic, line.epicKey, line);
  }
  const epics = [...byEpic.entries()].map(([epicKey, lines]): EpicLine => {
    const inScope = lines.filter((line) => line.inScope);
    const done = inScope.filter((line) => line.status === 'done');
    const sum = (list: StoryLine[]) => (points ? list.reduce((total, line) => total + (line.storyPoints ?? 0), 0) : null);
    return {
      epicKey,
      phaseKey: lines.find((line) => line.phaseKey !== null)?.phaseKey ?? null,
      committed: lines.some((line) => line.committed),
      stories: inScope.length,
      doneStories: done.length,
      storyPoints: sum(inScope),
      donePoints: sum(done),
      done: inScope.length > 0 && done.length === inScope.length,
      links: links({ epicKey, issueKey: epicKey }),
    };
  });
  return {
    committed: epics.filter((epic) => epic.committed).length,
    committedDone: epics.filter((epic) => epic.committed && epic.done).length,
    total: epics.filter((epic) => epic.stories > 0).length,
    done: epics.filter((epic) => epic.done).length,
    epics: sortBy(epics, (epic) => epic.epicKey),
  };
}

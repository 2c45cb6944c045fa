import type { Sprint, SprintStory } from '../model/sprint.js';
import type { StoryStatusCategory, StoryStatusChange } from '../model/story-status.js';
import { sortBy } from './stats.js';

interface Membership {
  at: Date;
  inScope: boolean;
}

/**
 * The sprint backlog and the stories' statuses at any moment: the committed stories, then every
 * scope change after the start that really changes the backlog (adding a story already in it, or
 * removing one that is not, is ignored), and each story's latest status transition at that moment.
 */
export class StoryTimeline {
  /** Every story that was ever in the sprint, latest known details. */
  readonly stories = new Map<string, SprintStory>();
  readonly committed = new Set<string>();
  /** Effective scope changes, in time order. */
  readonly changes: Array<{ kind: 'added' | 'removed'; issueKey: string; at: Date }> = [];
  private readonly membership = new Map<string, Membership[]>();
  private readonly statuses = new Map<string, StoryStatusChange[]>();

  constructor(sprint: Sprint, statuses: StoryStatusChange[]) {
    for (const story of sprint.committed) {
      this.stories.set(story.issueKey, story);
      this.committed.add(story.issueKey);
      this.membership.set(story.issueKey, [{ at: sprint.startAt, inScope: true }]);
    }
    // Changes at or before the start are already part of the committed backlog.
    const changes = sortBy(
      sprint.scopeChanges.filter((change) => change.at > sprint.startAt),
      (change) => change.at.getTime(),
    );
    for (const change of changes) {
      const key = change.story.issueKey;
      const history = this.membership.get(key) ?? [];
      const inScope = history.length > 0 && history[history.length - 1].inScope;
      if ((change.kind === 'added') === inScope) continue;
      this.stories.set(key, change.story);
      history.push({ at: change.at, inScope: change.kind === 'added' });
      this.membership.set(key, history);
      this.changes.push({ kind: change.kind, issueKey: key, at: change.at });
    }
    for (const status of sortBy(statuses, (s) => s.at.getTime())) {
      const list = this.statuses.get(status.issueKey) ?? [];
      list.push(status);
      this.statuses.set(status.issueKey, list);
    }
  }

  isInScope(issueKey: string, at: Date): boolean {
    let inScope = false;
    for (const entry of this.membership.get(issueKey) ?? []) {
      if (entry.at > at) break;
      inScope = entry.inScope;
    }
    return inScope;
  }

  /** Stories in the sprint backlog at `at`. */
  scopeAt(at: Date): SprintStory[] {
    return [...this.stories.values()].filter((story) => this.isInScope(story.issueKey, at));
  }

  statusAt(issueKey: string, at: Date): StoryStatusCategory {
    let category: StoryStatusCategory = 'todo';
    for (const entry of this.statuses.get(issueKey) ?? []) {
      if (entry.at > at) break;
      category = entry.category;
    }
    return category;
  }

  /** When the story entered the status it has at `at` (null when it never left todo). */
  statusSince(issueKey: string, at: Date): Date | null {
    let since: Date | null = null;
    let category: StoryStatusCategory = 'todo';
    for (const entry of this.statuses.get(issueKey) ?? []) {
      if (entry.at > at) break;
      if (entry.category !== category) since = entry.at;
      category = entry.category;
    }
    return since;
  }

  isDone(issueKey: string, at: Date): boolean {
    return this.statusAt(issueKey, at) === 'done';
  }

  /** The last effective scope change of a story up to `at`. */
  lastChange(issueKey: string, kind: 'added' | 'removed', at: Date): Date | null {
    let found: Date | null = null;
    for (const change of this.changes) {
      if (change.at > at) break;
      if (change.issueKey === issueKey && change.kind === kind) found = change.at;
    }
    return found;
  }
}

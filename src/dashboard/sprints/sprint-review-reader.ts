import type { SprintReport, SprintState } from '../../reports/index.js';

/** The JIRA board could not be read: the pages show what PostgreSQL holds, read at `dataFrom`. */
export interface BoardUnreachableNotice {
  reason: string;
  dataFrom: Date | null;
}

/** A sprint as the sprint list shows it. */
export interface SprintListEntry {
  id: string;
  name: string;
  goal: string | null;
  state: SprintState;
  startAt: Date;
  endAt: Date;
  completedAt: Date | null;
  /** The environment the sprint is for (null: every environment). */
  environment?: string | null;
  /** Deployments that ran in it, check-mode runs included. */
  deployments?: number;
  /** The Confluence review page, once published. */
  reviewPage?: { url: string; version: number } | null;
}

/**
 * Where the sprint pages read from: the sprints and the review of one of them, the same
 * `SprintReport` the API and the Confluence page show. The controller stays thin and the pages
 * can be tested on a fixed report. `report` throws NotFoundError for an unknown sprint.
 */
export abstract class SprintReviewReader {
  abstract listSprints(): Promise<SprintListEntry[]>;
  abstract report(sprintId: string, now?: Date): Promise<SprintReport>;

  /** Set after `listSprints` or `report` when the JIRA board could not be read; null otherwise (or without JIRA). */
  boardUnreachable(): Promise<BoardUnreachableNotice | null> {
    return Promise.resolve(null);
  }
}

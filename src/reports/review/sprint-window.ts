import type { Sprint } from '../model/sprint.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The stretch of time a report covers: from the sprint's start to `asOf`. */
export interface SprintWindow {
  startAt: Date;
  /** Planned end. */
  endAt: Date;
  /**
   * The moment the report describes: for a closed sprint when it closed (completedAt, else endAt),
   * for an active one `now` (at most endAt), for a future one its start (nothing has happened yet).
   */
  asOf: Date;
}

export function sprintWindow(sprint: Sprint, now: Date): SprintWindow {
  const startAt = sprint.startAt;
  const endAt = sprint.endAt;
  let asOf: Date;
  if (sprint.state === 'closed') asOf = sprint.completedAt ?? endAt;
  else if (sprint.state === 'future') asOf = startAt;
  else asOf = new Date(Math.min(now.getTime(), endAt.getTime()));
  if (asOf < startAt) asOf = startAt;
  return { startAt, endAt, asOf };
}

export const within = (at: Date | null, from: Date, to: Date): at is Date => at !== null && at >= from && at <= to;

/**
 * A sprint as the team planned it: what was committed at the start and how the scope moved
 * afterwards. Loaded from the JIRA board (Agile API) or created through the API.
 */

/** JIRA's sprint states. */
export type SprintState = 'future' | 'active' | 'closed';

/** A user story in the sprint backlog, with the epic (runbook phase) it belongs to. */
export interface SprintStory {
  /** JIRA issue key of the story, e.g. OPS-12. */
  issueKey: string;
  /** JIRA issue key of its epic (the runbook phase), when it has one. */
  epicKey: string | null;
  /** Runbook phase key (e.g. keystone) when the story comes from a runbook. */
  phaseKey: string | null;
  /** Runbook story key within the phase, when the story comes from a runbook. */
  storyKey: string | null;
  title: string;
  /** Story points when the JIRA field exists and is filled in. */
  storyPoints: number | null;
}

/** The sprint backlog changed after the sprint started. */
export interface ScopeChange {
  kind: 'added' | 'removed';
  story: SprintStory;
  at: Date;
}

export interface Sprint {
  id: string;
  name: string;
  goal: string | null;
  startAt: Date;
  /** Planned end. */
  endAt: Date;
  state: SprintState;
  /** When a closed sprint was actually closed (may be before or after endAt); the report is taken as of then. */
  completedAt: Date | null;
  /** The sprint backlog at startAt. */
  committed: SprintStory[];
  /** In any order; the report sorts them by time. */
  scopeChanges: ScopeChange[];
}

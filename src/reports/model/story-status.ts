/** The logical workflow states OpSprint moves stories through (mapped to the project's own JIRA states). */
export type StoryStatusCategory = 'todo' | 'in_progress' | 'done' | 'blocked';

/** One transition of a story as OpSprint recorded it; a story with no entry yet is in todo. */
export interface StoryStatusChange {
  issueKey: string;
  category: StoryStatusCategory;
  at: Date;
}

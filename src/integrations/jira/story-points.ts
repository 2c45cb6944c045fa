import type { JiraField, JiraIssue } from './jira.types.js';

/**
 * Names the story points field goes by: "Story Points" (Data Center, company-managed Cloud
 * projects) and "Story point estimate" (Cloud's board estimation field, team-managed projects).
 * A site may have both; the first filled in wins.
 */
const STORY_POINT_FIELD_NAMES = ['story points', 'story point estimate'];

/** Ids of the site's story points fields (custom, numeric), in the order of the names above; [] when it has none. */
export function storyPointFieldIds(fields: JiraField[]): string[] {
  return STORY_POINT_FIELD_NAMES.flatMap((name) =>
    fields
      .filter((field) => field.custom && field.name.trim().toLowerCase() === name && (field.schema?.type ?? 'number') === 'number')
      .map((field) => field.id),
  );
}

/** The story's points from the first of those fields holding a number; null when unestimated. */
export function storyPointsOf(issue: JiraIssue, fieldIds: string[]): number | null {
  for (const id of fieldIds) {
    const value = issue.fields[id];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  }
  return null;
}

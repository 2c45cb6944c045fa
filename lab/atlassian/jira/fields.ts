/**
 * The field catalog GET /rest/api/2/field answers, in JIRA's FieldDetails shape. Custom fields
 * are the ones a Scrum project of each deployment type has out of the box: Cloud's "Story point
 * estimate" (the board's estimation field, customfield_10016), Data Center's "Story Points"
 * (customfield_10002) and "Epic Link" (customfield_10008). Their ids are only found through this
 * list, as a client of the real API must do.
 */
export interface FieldDetails {
  id: string;
  key: string;
  name: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema: { type: string; system?: string; custom?: string; customId?: number; items?: string };
}

const system = (id: string, name: string, type: string, items?: string): FieldDetails => ({
  id,
  key: id,
  name,
  custom: false,
  orderable: !['status', 'created', 'updated', 'comment', 'attachment'].includes(id),
  navigable: true,
  searchable: true,
  clauseNames: [id],
  schema: { type, system: id, ...(items ? { items } : {}) },
});

const customField = (number: number, name: string, type: string, plugin: string): FieldDetails => ({
  id: `customfield_${number}`,
  key: `customfield_${number}`,
  name,
  custom: true,
  orderable: true,
  navigable: true,
  searchable: true,
  clauseNames: [`cf[${number}]`, name],
  schema: { type, custom: plugin, customId: number },
});

const SYSTEM_FIELDS: FieldDetails[] = [
  system('summary', 'Summary', 'string'),
  system('description', 'Description', 'string'),
  system('issuetype', 'Issue Type', 'issuetype'),
  system('project', 'Project', 'project'),
  system('labels', 'Labels', 'array', 'string'),
  system('status', 'Status', 'status'),
  system('created', 'Created', 'datetime'),
  system('updated', 'Updated', 'datetime'),
  system('comment', 'Comment', 'comments-page'),
  system('issuelinks', 'Linked Issues', 'array', 'issuelinks'),
  system('attachment', 'Attachment', 'array', 'attachment'),
  system('parent', 'Parent', 'issuelink'),
];

export const CLOUD_STORY_POINTS = customField(10016, 'Story point estimate', 'number', 'com.pyxis.greenhopper.jira:jsw-story-points');
export const DATA_CENTER_STORY_POINTS = customField(
  10002,
  'Story Points',
  'number',
  'com.atlassian.jira.plugin.system.customfieldtypes:float',
);
export const DATA_CENTER_EPIC_LINK = customField(10008, 'Epic Link', 'any', 'com.pyxis.greenhopper.jira:gh-epic-link');

/** The custom fields of a fresh Scrum project on Cloud or on Data Center. */
export const defaultCustomFields = (cloud: boolean): FieldDetails[] =>
  cloud ? [CLOUD_STORY_POINTS] : [DATA_CENTER_STORY_POINTS, DATA_CENTER_EPIC_LINK];

export const fieldCatalog = (customFields: FieldDetails[]): FieldDetails[] => [...SYSTEM_FIELDS, ...customFields];

/**
 * JIRA's field errors for custom field values on create and edit: an unknown field is refused
 * (it is on no screen), a number field takes a number or null.
 */
export function customFieldErrors(customFields: FieldDetails[], fields: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [id, value] of Object.entries(fields)) {
    if (!id.startsWith('customfield_')) continue;
    const field = customFields.find((candidate) => candidate.id === id);
    if (!field) errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
    else if (field.schema.type === 'number' && value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      errors[id] = 'Operation value must be a number';
    }
  }
  return errors;
}

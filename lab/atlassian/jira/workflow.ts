/** A configurable workflow; the default is Jira's Scrum template plus Blocked and Ready to Deploy. */
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface WorkflowStatus {
  id: string;
  name: string;
  category: StatusCategoryKey;
}

export interface WorkflowTransition {
  id: string;
  name: string;
  /** Status names the transition is offered from; '*' = a global transition. */
  from: string[] | '*';
  to: string;
}

export interface Workflow {
  statuses: WorkflowStatus[];
  transitions: WorkflowTransition[];
  initialStatus: string;
}

const CATEGORIES: Record<StatusCategoryKey, { id: number; name: string; colorName: string }> = {
  new: { id: 2, name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, name: 'Done', colorName: 'green' },
};

export const SCRUM_WORKFLOW: Workflow = {
  initialStatus: 'To Do',
  statuses: [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '10001', name: 'In Progress', category: 'indeterminate' },
    { id: '10002', name: 'Done', category: 'done' },
    { id: '10003', name: 'Blocked', category: 'indeterminate' },
    { id: '10004', name: 'Ready to Deploy', category: 'indeterminate' },
  ],
  // Simplified Scrum workflows use global transitions named after their target status.
  transitions: [
    { id: '11', name: 'To Do', from: '*', to: 'To Do' },
    { id: '21', name: 'In Progress', from: '*', to: 'In Progress' },
    { id: '31', name: 'Done', from: '*', to: 'Done' },
    { id: '41', name: 'Blocked', from: '*', to: 'Blocked' },
    { id: '51', name: 'Ready to Deploy', from: '*', to: 'Ready to Deploy' },
  ],
};

export function statusBean(workflow: Workflow, name: string, baseUrl: string) {
  const status = workflow.statuses.find((s) => s.name === name);
  if (!status) throw new Error(`workflow has no status "${name}"`);
  const category = CATEGORIES[status.category];
  return {
    self: `${baseUrl}/rest/api/2/status/${status.id}`,
    description: '',
    iconUrl: `${baseUrl}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${baseUrl}/rest/api/2/statuscategory/${category.id}`,
      id: category.id,
      key: status.category,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

/** Transitions offered from `current` (a status never transitions to itself). */
export function availableTransitions(workflow: Workflow, current: string): WorkflowTransition[] {
  return workflow.transitions.filter((t) => t.to !== current && (t.from === '*' || t.from.includes(current)));
}

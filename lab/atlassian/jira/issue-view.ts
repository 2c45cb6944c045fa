import type { SandboxUser } from '../http.js';
import type { JiraState, StoredIssue } from './jira-state.js';
import { statusBean } from './workflow.js';
import { JqlError, type JqlQuery } from './jql.js';

/** Renders stored issues the way REST v2 does, and matches them against parsed JQL. */
export function userBean(user: SandboxUser, baseUrl: string, cloud: boolean) {
  return cloud
    ? {
        self: `${baseUrl}/rest/api/2/user?accountId=${user.accountId}`,
        accountId: user.accountId,
        displayName: user.displayName,
        active: true,
        accountType: 'atlassian',
      }
    : {
        self: `${baseUrl}/rest/api/2/user?username=${user.name}`,
        name: user.name,
        key: user.name,
        emailAddress: user.email,
        displayName: user.displayName,
        active: true,
      };
}

export function issueBean(state: JiraState, issue: StoredIssue, baseUrl: string, cloud: boolean, only?: string[]) {
  const project = state.projects.find((p) => p.key === issue.projectKey)!;
  const parent = issue.parentKey ? state.issues.get(issue.parentKey) : undefined;
  const all: Record<string, unknown> = {
    summary: issue.summary,
    description: issue.description,
    issuetype: {
      self: `${baseUrl}/rest/api/2/issuetype/${issue.issueType}`,
      id: issue.issueType,
      name: issue.issueType,
      subtask: issue.issueType === 'Subtask',
      hierarchyLevel: issue.issueType === 'Epic' ? 1 : 0,
    },
    project: { self: `${baseUrl}/rest/api/2/project/${project.id}`, id: project.id, key: project.key, name: project.name },
    labels: issue.labels,
    status: statusBean(state.workflow, issue.status, baseUrl),
    created: issue.created,
    updated: issue.updated,
    comment: {
      comments: issue.comments.map((c) => ({
        self: `${baseUrl}/rest/api/2/issue/${issue.id}/comment/${c.id}`,
        id: c.id,
        body: c.body,
        author: userBean(c.author, baseUrl, cloud),
        created: c.created,
        updated: c.created,
      })),
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
    issuelinks: issue.links.map((l) => ({
      id: l.id,
      type: { id: '10000', name: l.type, inward: `is ${l.type.toLowerCase()}ed by`, outward: l.type.toLowerCase() },
      [l.direction === 'outward' ? 'outwardIssue' : 'inwardIssue']: { id: state.issues.get(l.otherKey)?.id, key: l.otherKey },
    })),
    attachment: issue.attachments.map((a) => ({ ...a, self: `${baseUrl}/rest/api/2/attachment/${a.id}` })),
    ...(parent
      ? {
          parent: {
            id: parent.id,
            key: parent.key,
            self: `${baseUrl}/rest/api/2/issue/${parent.id}`,
            fields: { summary: parent.summary, status: statusBean(state.workflow, parent.status, baseUrl) },
          },
        }
      : {}),
    // Every custom field of the instance is on the issue, null until set (as JIRA answers with fields=*all).
    ...Object.fromEntries(state.customFields.map((field) => [field.id, issue.custom[field.id] ?? null])),
  };
  const wanted = only && !only.includes('*all') ? only : Object.keys(all);
  const fields = Object.fromEntries(wanted.filter((name) => name in all).map((name) => [name, all[name]]));
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${baseUrl}/rest/api/2/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
}

function fieldValues(issue: StoredIssue, field: string): string[] {
  switch (field) {
    case 'project':
      return [issue.projectKey];
    case 'labels':
      return issue.labels;
    case 'status':
      return [issue.status];
    case 'key':
    case 'issue':
    case 'issuekey':
      return [issue.key, issue.id];
    case 'issuetype':
    case 'type':
      return [issue.issueType];
    case 'parent':
      return issue.parentKey ? [issue.parentKey] : [];
    default:
      throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
}

export function matchJql(state: JiraState, query: JqlQuery): StoredIssue[] {
  const lower = (v: string) => v.toLowerCase();
  const matched = [...state.issues.values()].filter((issue) =>
    query.clauses.every((clause) => {
      const have = fieldValues(issue, clause.field).map(lower);
      const hit = clause.values.some((v) => have.includes(lower(v)));
      return clause.negated ? !hit : hit;
    }),
  );
  const order = query.orderBy;
  const byId = (a: StoredIssue, b: StoredIssue) => Number(a.id) - Number(b.id);
  matched.sort(byId);
  if (order && order.field !== 'key' && order.field !== 'id' && order.field !== 'created') {
    matched.sort((a, b) => fieldValues(a, order.field).join().localeCompare(fieldValues(b, order.field).join()) || byId(a, b));
  }
  if (order?.direction === 'DESC') matched.reverse();
  return matched;
}

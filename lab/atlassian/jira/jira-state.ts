import { BadRequest, type SandboxUser } from '../http.js';
import { customFieldErrors, type FieldDetails } from './fields.js';
import { availableTransitions, SCRUM_WORKFLOW, type Workflow } from './workflow.js';

/** The sandbox's JIRA data, kept in memory; routes read and change it, tests inspect it. */
export interface StoredComment {
  id: string;
  body: string;
  author: SandboxUser;
  created: string;
}

/** A link from an issue to something outside JIRA (a Confluence page, a build), as POST …/remotelink stores it. */
export interface StoredRemoteLink {
  id: number;
  globalId?: string;
  application?: Record<string, unknown>;
  relationship?: string;
  object: { url: string; title: string; summary?: string } & Record<string, unknown>;
}

export interface StoredIssue {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  description: string | null;
  labels: string[];
  status: string;
  parentKey: string | null;
  custom: Record<string, unknown>;
  comments: StoredComment[];
  links: { id: string; type: string; direction: 'inward' | 'outward'; otherKey: string }[];
  attachments: { id: string; filename: string; size: number; mimeType: string }[];
  remoteLinks: StoredRemoteLink[];
  created: string;
  updated: string;
}

export interface StoredSprint {
  id: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  originBoardId: number;
  startDate?: string;
  endDate?: string;
  /** Set by JIRA when the sprint is closed; never by a client. */
  completeDate?: string;
  goal?: string;
  /** Every issue that was in the sprint: a closed sprint keeps its issues (JIRA's sprint report is built on them). */
  issueKeys: string[];
}

export interface StatusChange {
  issue: StoredIssue;
  from: string;
  to: string;
  user: SandboxUser;
  changelogId: string;
}

export const ISSUE_TYPES = ['Epic', 'Story', 'Task', 'Bug', 'Subtask'] as const;

export class JiraState {
  readonly issues = new Map<string, StoredIssue>();
  readonly projects = [{ id: '10000', key: 'OPS', name: 'Operations' }];
  readonly boards = [{ id: 1, name: 'OPS board', type: 'scrum', projectKey: 'OPS' }];
  readonly sprints: StoredSprint[] = [];
  createdCount = 0;
  private nextIssueId = 10001;
  private nextOtherId = 1;
  private nextRemoteLinkId = 10000;
  private readonly issueCounters = new Map<string, number>();
  private readonly statusListeners: ((change: StatusChange) => void)[] = [];

  constructor(
    readonly workflow: Workflow = SCRUM_WORKFLOW,
    /** The instance's custom fields (GET /field lists them; issues carry them, null when unset). */
    readonly customFields: FieldDetails[] = [],
  ) {}

  onStatusChange(listener: (change: StatusChange) => void): void {
    this.statusListeners.push(listener);
  }

  newId(): string {
    return String(this.nextOtherId++);
  }

  createIssue(fields: Record<string, unknown>): StoredIssue {
    const errors: Record<string, string> = {};
    const project = fields.project as { key?: string; id?: string } | undefined;
    const projectRow = this.projects.find((p) => p.key === project?.key || p.id === project?.id);
    if (!projectRow) errors.project = 'valid project is required';
    const summary = fields.summary;
    if (typeof summary !== 'string' || !summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    const issueType = (fields.issuetype as { name?: string } | undefined)?.name;
    if (!issueType || !(ISSUE_TYPES as readonly string[]).includes(issueType)) errors.issuetype = 'valid issue type is required';
    this.validateCommon(fields, errors);
    if (Object.keys(errors).length) throw new BadRequest([], errors);

    const id = String(this.nextIssueId++);
    const number = (this.issueCounters.get(projectRow!.key) ?? 0) + 1;
    this.issueCounters.set(projectRow!.key, number);
    const now = new Date().toISOString();
    const issue: StoredIssue = {
      id,
      key: `${projectRow!.key}-${number}`,
      projectKey: projectRow!.key,
      issueType: issueType!,
      summary: (summary as string).trim(),
      description: null,
      labels: [],
      status: this.workflow.initialStatus,
      parentKey: null,
      custom: {},
      comments: [],
      links: [],
      attachments: [],
      remoteLinks: [],
      created: now,
      updated: now,
    };
    this.applyCommon(issue, fields);
    this.issues.set(issue.key, issue);
    this.createdCount++;
    return issue;
  }

  updateIssue(key: string, fields: Record<string, unknown>): void {
    const issue = this.require(key);
    const errors: Record<string, string> = {};
    if ('summary' in fields && (typeof fields.summary !== 'string' || !fields.summary.trim())) {
      errors.summary = 'You must specify a summary of the issue.';
    }
    this.validateCommon(fields, errors);
    if (Object.keys(errors).length) throw new BadRequest([], errors);
    if (typeof fields.summary === 'string') issue.summary = fields.summary.trim();
    this.applyCommon(issue, fields);
    issue.updated = new Date().toISOString();
  }

  /** Finds an issue by key or numeric id; 404 otherwise. */
  require(keyOrId: string): StoredIssue {
    const issue = this.issues.get(keyOrId) ?? [...this.issues.values()].find((i) => i.id === keyOrId);
    if (!issue) throw new BadRequest(['Issue does not exist or you do not have permission to see it.'], {}, 404);
    return issue;
  }

  transition(keyOrId: string, transitionId: string, user: SandboxUser): void {
    const issue = this.require(keyOrId);
    const transition = availableTransitions(this.workflow, issue.status).find((t) => t.id === transitionId);
    if (!transition) {
      throw new BadRequest([], { transition: `Transition id '${transitionId}' is not valid for this issue.` });
    }
    const from = issue.status;
    issue.status = transition.to;
    issue.updated = new Date().toISOString();
    const change = { issue, from, to: transition.to, user, changelogId: String(10000 + this.nextOtherId++) };
    for (const listener of this.statusListeners) listener(change);
  }

  addComment(keyOrId: string, body: unknown, author: SandboxUser): StoredComment {
    const issue = this.require(keyOrId);
    if (typeof body !== 'string' || !body.trim()) throw new BadRequest([], { comment: 'Comment body can not be empty!' });
    const comment = { id: String(10000 + this.nextOtherId++), body, author, created: new Date().toISOString() };
    issue.comments.push(comment);
    return comment;
  }

  link(typeName: string, inwardKey: string, outwardKey: string): void {
    const inward = this.require(inwardKey);
    const outward = this.require(outwardKey);
    const id = this.newId();
    inward.links.push({ id, type: typeName, direction: 'outward', otherKey: outward.key });
    outward.links.push({ id, type: typeName, direction: 'inward', otherKey: inward.key });
  }

  /**
   * Creates a remote link, or replaces the one with the same globalId (JIRA's upsert): `created`
   * tells which, because JIRA answers 201 for a new link and 200 for an update.
   */
  putRemoteLink(keyOrId: string, input: Record<string, unknown>): { link: StoredRemoteLink; created: boolean } {
    const issue = this.require(keyOrId);
    const fields = remoteLinkFields(input);
    const existing = fields.globalId ? issue.remoteLinks.find((link) => link.globalId === fields.globalId) : undefined;
    if (existing) return { link: this.replaceRemoteLink(keyOrId, String(existing.id), input), created: false };
    const link = { id: this.nextRemoteLinkId++, ...fields };
    issue.remoteLinks.push(link);
    issue.updated = new Date().toISOString();
    return { link, created: true };
  }

  /** PUT …/remotelink/{id}: the link keeps its id and global id; everything else is replaced. */
  replaceRemoteLink(keyOrId: string, linkId: string, input: Record<string, unknown>): StoredRemoteLink {
    const issue = this.require(keyOrId);
    const existing = this.requireRemoteLink(keyOrId, linkId);
    const fields = remoteLinkFields({ ...input, globalId: existing.globalId });
    const replaced = { id: existing.id, ...fields };
    issue.remoteLinks[issue.remoteLinks.indexOf(existing)] = replaced;
    issue.updated = new Date().toISOString();
    return replaced;
  }

  requireRemoteLink(keyOrId: string, linkId: string): StoredRemoteLink {
    const link = this.require(keyOrId).remoteLinks.find((candidate) => String(candidate.id) === linkId);
    if (!link) throw new BadRequest(['No remote link with the given id exists on this issue.'], {}, 404);
    return link;
  }

  deleteRemoteLink(keyOrId: string, linkId: string): void {
    const issue = this.require(keyOrId);
    const link = this.requireRemoteLink(keyOrId, linkId);
    issue.remoteLinks.splice(issue.remoteLinks.indexOf(link), 1);
  }

  /** Sprints an issue is in, newest last. */
  sprintsOf(key: string): StoredSprint[] {
    return this.sprints.filter((sprint) => sprint.issueKeys.includes(key));
  }

  private validateCommon(fields: Record<string, unknown>, errors: Record<string, string>): void {
    if ('labels' in fields) {
      const labels = fields.labels;
      if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || /\s/.test(l) || !l)) {
        errors.labels = 'The label must not contain spaces and must be a list of strings.';
      }
    }
    if ('description' in fields && fields.description !== null && typeof fields.description !== 'string') {
      errors.description = 'Operation value must be a string';
    }
    Object.assign(errors, customFieldErrors(this.customFields, fields));
    const parent = fields.parent as { key?: string; id?: string } | undefined;
    if (parent && !this.issues.get(parent.key ?? '') && ![...this.issues.values()].some((i) => i.id === parent.id)) {
      errors.parent = `Could not find issue by id or key.`;
    }
  }

  private applyCommon(issue: StoredIssue, fields: Record<string, unknown>): void {
    if ('description' in fields) issue.description = (fields.description as string | null) ?? null;
    if (Array.isArray(fields.labels)) issue.labels = [...new Set(fields.labels as string[])];
    const parent = fields.parent as { key?: string; id?: string } | undefined;
    if (parent) issue.parentKey = this.require(parent.key ?? parent.id ?? '').key;
    for (const [name, value] of Object.entries(fields)) if (name.startsWith('customfield_')) issue.custom[name] = value;
  }
}

/** The stored form of a remote link request; 400 with JIRA's field errors when it is incomplete. */
function remoteLinkFields(input: Record<string, unknown>): Omit<StoredRemoteLink, 'id'> {
  const object = input.object as Record<string, unknown> | undefined;
  const errors: Record<string, string> = {};
  if (!object || typeof object !== 'object' || Array.isArray(object)) errors.object = "'object' is required.";
  else {
    if (typeof object.url !== 'string' || !object.url.trim()) errors.url = "'url' is required.";
    if (typeof object.title !== 'string' || !object.title.trim()) errors.title = "'title' is required.";
  }
  if (input.globalId !== undefined && (typeof input.globalId !== 'string' || input.globalId.length > 255)) {
    errors.globalId = 'The global ID must be a string of at most 255 characters.';
  }
  if (Object.keys(errors).length) throw new BadRequest([], errors);
  return {
    ...(typeof input.globalId === 'string' ? { globalId: input.globalId } : {}),
    ...(input.application && typeof input.application === 'object' ? { application: input.application as Record<string, unknown> } : {}),
    ...(typeof input.relationship === 'string' ? { relationship: input.relationship } : {}),
    object: object as StoredRemoteLink['object'],
  };
}

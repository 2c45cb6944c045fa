import { badTextReasons } from '../../common/control-characters.pipe.js';

/**
 * Reads a `jira:issue_updated` delivery: which issue, its labels, the status changes (from
 * `changelog.items[].field === 'status'`, several may come at once), who did it, and the key
 * that identifies the delivery across JIRA's retries.
 */
export interface StatusChange {
  from: string | null;
  to: string;
}

export interface JiraIssueUpdate {
  deliveryKey: string;
  /** When JIRA sent it (ms since the epoch): signed with the body, unlike the delivery id. */
  timestamp: number | null;
  event: string;
  issueId: string;
  issueKey: string;
  issueType: string | null;
  labels: string[];
  statusChanges: StatusChange[];
  requester: string;
  /** When JIRA says the change happened (the body's `timestamp`), null when it does not say. */
  at: Date | null;
}

export class MalformedWebhook extends Error {}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(from: Json, name: string, check: (v: unknown) => v is T, path: string): T {
  const value = from[name];
  if (!check(value)) throw new MalformedWebhook(`${path}${name} is missing or has the wrong type`);
  return value;
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isIdLike = (v: unknown): v is string | number => isString(v) || typeof v === 'number';

export function parseJiraWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): JiraIssueUpdate {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedWebhook('body is not JSON');
  }
  if (!isObject(body)) throw new MalformedWebhook('body is not a JSON object');
  // NUL and unpaired surrogates cannot be stored (PostgreSQL refuses them) and never come from JIRA.
  const bad = badTextReasons(body);
  if (bad.length > 0) throw new MalformedWebhook(bad[0]);
  const event = field(body, 'webhookEvent', isString, '');
  const issue = field(body, 'issue', isObject, '');
  const issueId = String(field(issue, 'id', isIdLike, 'issue.'));
  const issueKey = field(issue, 'key', isString, 'issue.');
  const fields = isObject(issue.fields) ? issue.fields : {};
  const labels = Array.isArray(fields.labels) ? fields.labels.filter(isString) : [];
  const issueType = isObject(fields.issuetype) && isString(fields.issuetype.name) ? fields.issuetype.name : null;

  const changelog = isObject(body.changelog) ? body.changelog : null;
  if (body.changelog !== undefined && !changelog) throw new MalformedWebhook('changelog is not an object');
  const items = changelog?.items ?? [];
  if (!Array.isArray(items)) throw new MalformedWebhook('changelog.items is not a list');
  const statusChanges = items
    .filter((item): item is Json => isObject(item) && item.field === 'status')
    .map((item) => {
      // `toString` is a field name here; reading it as a property would find Object.prototype's.
      const own = new Map(Object.entries(item));
      const to = own.get('toString');
      const from = own.get('fromString');
      if (!isString(to)) throw new MalformedWebhook('changelog.items[].toString is missing for a status change');
      return { from: isString(from) ? from : null, to };
    });

  return {
    deliveryKey: deliveryKey(headers, body, event, issueId, changelog),
    timestamp: timestampOf(body.timestamp),
    event,
    issueId,
    issueKey,
    issueType,
    labels,
    statusChanges,
    requester: requester(body.user),
    at: eventTime(body.timestamp),
  };
}

function eventTime(timestamp: unknown): Date | null {
  const ms = typeof timestamp === 'number' ? timestamp : typeof timestamp === 'string' && /^\d+$/.test(timestamp) ? Number(timestamp) : NaN;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : null;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Cloud names each delivery; Data Center usually does not, so the event's own identity stands in. */
function deliveryKey(
  headers: Record<string, string | string[] | undefined>,
  body: Json,
  event: string,
  issueId: string,
  changelog: Json | null,
): string {
  const identifier = header(headers, 'x-atlassian-webhook-identifier')?.trim();
  if (identifier) return `jira:${identifier}`;
  const timestamp = body.timestamp;
  if (typeof timestamp !== 'number' && !isString(timestamp))
    throw new MalformedWebhook('timestamp is missing (needed to identify a delivery without X-Atlassian-Webhook-Identifier)');
  const changelogId = changelog && isIdLike(changelog.id) ? String(changelog.id) : 'none';
  return `jira:${event}:${issueId}:${timestamp}:${changelogId}`;
}

function timestampOf(value: unknown): number | null {
  const ms = typeof value === 'number' ? value : isString(value) && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

function requester(user: unknown): string {
  if (!isObject(user)) return 'jira:unknown';
  if (isString(user.accountId)) return `jira:${user.accountId}${isString(user.displayName) ? ` (${user.displayName})` : ''}`;
  if (isString(user.name)) return `jira:${user.name}${isString(user.displayName) ? ` (${user.displayName})` : ''}`;
  return 'jira:unknown';
}

import { Problems } from './app-config.js';

/**
 * JIRA settings from the environment. `loadJiraConfig` returns null when JIRA_BASE_URL is unset
 * (sync switched off) and throws a ConfigError naming the variable of every bad value.
 */
export type JiraFlavor = 'cloud' | 'datacenter';
export type JiraSprintMode = 'active' | 'new' | 'none';
export type LogicalState = 'todo' | 'in_progress' | 'done' | 'blocked';

export type JiraAuth = { kind: 'basic'; email: string; apiToken: string } | { kind: 'bearer'; token: string };

/** The JIRA settings; also the injection token of the JIRA integration (present only when JIRA is on). */
export abstract class JiraConfig {
  abstract readonly baseUrl: URL;
  abstract readonly auth: JiraAuth;
  abstract readonly projectKey: string;
  abstract readonly boardId: number | null;
  abstract readonly webhookSecret: string | null;
  /** A signed delivery whose `timestamp` is further than this from now (either way: clock skew) is refused as a replay. */
  abstract readonly webhookMaxAgeSeconds: number;
  /**
   * A delivery claimed but still unsettled after this long was being handled by a process that died
   * (kill -9, crash): JIRA's retry of it takes the claim over instead of being answered as a duplicate.
   */
  abstract readonly webhookClaimTimeoutSeconds: number;
  /** Set by JIRA_FLAVOR; null: the gateway asks the server (`GET /rest/api/2/serverInfo`, `deploymentType`). */
  abstract readonly flavor: JiraFlavor | null;
  abstract readonly sprintMode: JiraSprintMode;
  /** Length of the sprints OpSprint starts itself (sprint mode `new`): their end date, when they are closed. */
  abstract readonly sprintDays: number;
  abstract readonly triggerStatus: string;
  /** Logical state → workflow transition names tried in order (first one offered wins). */
  abstract readonly transitions: Record<LogicalState, string[]>;
  /** Data Center only: custom field id of "Epic Link" (e.g. customfield_10008); unset → an issue link. */
  abstract readonly epicLinkField: string | null;
  /** Seconds between two JQL polls that catch missed webhooks. */
  abstract readonly pollIntervalSeconds: number;
}

/** Transition names of Jira's Scrum template, plus the Blocked status most teams add. */
export const DEFAULT_TRANSITIONS: Record<LogicalState, string[]> = {
  todo: ['To Do', 'Backlog', 'Reopen'],
  in_progress: ['In Progress', 'Start Progress', 'Start'],
  done: ['Done', 'Resolve', 'Close'],
  blocked: ['Blocked', 'Block'],
};

const LOGICAL_STATES = Object.keys(DEFAULT_TRANSITIONS) as LogicalState[];

/** A site as links record it: origin and context path, no trailing slash (`https://jira.corp/jira`). */
export function siteOf(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** The JIRA site and project issue links hold for. */
export function jiraSite(config: Pick<JiraConfig, 'baseUrl' | 'projectKey'>): { site: string; projectKey: string } {
  return { site: siteOf(config.baseUrl), projectKey: config.projectKey };
}

export function loadJiraConfig(env: NodeJS.ProcessEnv): JiraConfig | null {
  const rawBase = env.JIRA_BASE_URL?.trim();
  if (!rawBase) return null;
  const problems = new Problems();
  const baseUrl = problems.take(() => parseBaseUrl(rawBase));
  const config = {
    baseUrl,
    auth: problems.take(() => parseAuth(env)),
    projectKey: problems.take(() => parseProjectKey(env.JIRA_PROJECT_KEY)),
    boardId: problems.take(() => parseBoardId(env.JIRA_BOARD_ID)),
    webhookSecret: env.JIRA_WEBHOOK_SECRET?.length ? env.JIRA_WEBHOOK_SECRET : null,
    webhookMaxAgeSeconds: problems.take(() => parseWebhookMaxAge(env.JIRA_WEBHOOK_MAX_AGE_SECONDS)),
    webhookClaimTimeoutSeconds: problems.take(() => parseWebhookClaimTimeout(env.JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS)),
    flavor: problems.take(() => parseFlavor(env.JIRA_FLAVOR)),
    sprintMode: problems.take(() => parseSprintMode(env.JIRA_SPRINT_MODE, env.JIRA_BOARD_ID)),
    sprintDays: problems.take(() => parseSprintDays(env.JIRA_SPRINT_DAYS)),
    triggerStatus: env.JIRA_TRIGGER_STATUS?.trim() || 'Ready to Deploy',
    transitions: problems.take(() => parseTransitions(env.JIRA_TRANSITIONS)),
    epicLinkField: problems.take(() => parseEpicLinkField(env.JIRA_EPIC_LINK_FIELD)),
    pollIntervalSeconds: problems.take(() => parsePollInterval(env.JIRA_POLL_INTERVAL_SECONDS)),
  };
  problems.throwIfAny();
  return config as JiraConfig;
}

function parseWebhookMaxAge(raw: string | undefined): number {
  if (!raw?.trim()) return 300;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 30 || value > 86_400) {
    throw new Error(`JIRA_WEBHOOK_MAX_AGE_SECONDS: expected a whole number of seconds from 30 to 86400, got "${raw}"`);
  }
  return value;
}

function parseWebhookClaimTimeout(raw: string | undefined): number {
  if (!raw?.trim()) return 60;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > 3600) {
    throw new Error(`JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS: expected a whole number of seconds from 1 to 3600, got "${raw}"`);
  }
  return value;
}

function parsePollInterval(raw: string | undefined): number {
  if (!raw?.trim()) return 120;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 10) {
    throw new Error(`JIRA_POLL_INTERVAL_SECONDS: expected a whole number of seconds ≥ 10, got "${raw}"`);
  }
  return value;
}

function parseSprintDays(raw: string | undefined): number {
  if (!raw?.trim()) return 14;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 1 || value > 365) {
    throw new Error(`JIRA_SPRINT_DAYS: expected a whole number of days from 1 to 365, got "${raw}"`);
  }
  return value;
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`JIRA_BASE_URL: "${raw}" is not a URL (expected e.g. https://acme.atlassian.net)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`JIRA_BASE_URL: protocol must be https or http, got "${url.protocol}"`);
  }
  if (url.search || url.hash) throw new Error('JIRA_BASE_URL: must not carry a query or fragment');
  return url;
}

/**
 * Unset: null, and the server says which it is. The host name proves nothing (Cloud sites behind
 * a custom domain exist, and a Data Center mistaken for Cloud, or the reverse, uses removed APIs).
 */
function parseFlavor(raw: string | undefined): JiraFlavor | null {
  if (!raw?.trim()) return null;
  const value = raw.trim().toLowerCase();
  if (value !== 'cloud' && value !== 'datacenter') {
    throw new Error(`JIRA_FLAVOR: expected "cloud" or "datacenter", got "${raw}"`);
  }
  return value;
}

function parseAuth(env: NodeJS.ProcessEnv): JiraAuth {
  const email = env.JIRA_EMAIL?.trim();
  const apiToken = env.JIRA_API_TOKEN;
  const pat = env.JIRA_PAT;
  if (email && apiToken) {
    if (pat) throw new Error('JIRA_PAT: set either JIRA_PAT or JIRA_EMAIL + JIRA_API_TOKEN, not both');
    return { kind: 'basic', email, apiToken };
  }
  if (email && !apiToken) throw new Error('JIRA_API_TOKEN: required with JIRA_EMAIL');
  if (!email && apiToken) throw new Error('JIRA_EMAIL: required with JIRA_API_TOKEN');
  if (pat) return { kind: 'bearer', token: pat };
  throw new Error('JIRA_EMAIL: credentials missing (JIRA_EMAIL + JIRA_API_TOKEN for Cloud, or JIRA_PAT for Data Center)');
}

function parseProjectKey(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) throw new Error('JIRA_PROJECT_KEY: required when JIRA_BASE_URL is set');
  if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(value)) {
    throw new Error(`JIRA_PROJECT_KEY: "${value}" is not a JIRA project key (upper case, e.g. OPS)`);
  }
  return value;
}

function parseBoardId(raw: string | undefined): number | null {
  if (!raw?.trim()) return null;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`JIRA_BOARD_ID: expected a positive integer, got "${raw}"`);
  return value;
}

function parseSprintMode(raw: string | undefined, boardId: string | undefined): JiraSprintMode {
  const value = (raw?.trim() || (boardId?.trim() ? 'active' : 'none')).toLowerCase();
  if (value !== 'active' && value !== 'new' && value !== 'none') {
    throw new Error(`JIRA_SPRINT_MODE: expected "active", "new" or "none", got "${raw}"`);
  }
  if (value !== 'none' && !boardId?.trim()) throw new Error(`JIRA_BOARD_ID: required when JIRA_SPRINT_MODE is "${value}"`);
  return value;
}

function parseTransitions(raw: string | undefined): Record<LogicalState, string[]> {
  if (!raw?.trim()) return DEFAULT_TRANSITIONS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('JIRA_TRANSITIONS: not valid JSON (expected e.g. {"done":"Close","blocked":["Blocked","Hold"]})');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('JIRA_TRANSITIONS: expected a JSON object of logical state → transition name(s)');
  }
  const result = { ...DEFAULT_TRANSITIONS };
  for (const [state, names] of Object.entries(parsed)) {
    if (!LOGICAL_STATES.includes(state as LogicalState)) {
      throw new Error(`JIRA_TRANSITIONS: unknown state "${state}" (expected ${LOGICAL_STATES.join(', ')})`);
    }
    const list = typeof names === 'string' ? [names] : names;
    if (!Array.isArray(list) || list.length === 0 || list.some((n) => typeof n !== 'string' || !n.trim())) {
      throw new Error(`JIRA_TRANSITIONS: "${state}" must be a transition name or a non-empty list of names`);
    }
    result[state as LogicalState] = list.map((n: string) => n.trim());
  }
  return result;
}

function parseEpicLinkField(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!/^customfield_\d+$/.test(value)) throw new Error(`JIRA_EPIC_LINK_FIELD: expected customfield_<number>, got "${value}"`);
  return value;
}

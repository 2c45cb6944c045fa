import { Problems } from './app-config.js';
import { siteOf } from './jira-config.js';

/** Where and as whom OpSprint publishes its runbook pages; also the Confluence integration's injection token. */
export abstract class ConfluenceConfig {
  /** Cloud: https://x.atlassian.net/wiki; Data Center: the context root. No trailing slash. */
  abstract readonly baseUrl: string;
  /** Cloud: the account e-mail; Data Center: the user name. */
  abstract readonly username: string;
  /** Cloud: an API token; Data Center: the password (confluence-api only speaks Basic auth). */
  abstract readonly password: string;
  abstract readonly spaceKey: string;
  /** The runbook root page goes under this page; the space home page when unset. */
  abstract readonly parentPageId?: string;
}

/** The Confluence site and space page rows hold for (site: base URL without trailing slash). */
export function confluenceSite(config: Pick<ConfluenceConfig, 'baseUrl' | 'spaceKey'>): { site: string; spaceKey: string } {
  return { site: siteOf(config.baseUrl), spaceKey: config.spaceKey };
}

export class ConfluenceConfigError extends Error {
  /** Every bad value, one line each; the message names the first. */
  readonly problems: string[];

  constructor(
    readonly variable: string,
    problem: string,
    problems?: string[],
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfluenceConfigError';
    this.problems = problems ?? [this.message];
  }
}

type Env = Record<string, string | undefined>;

const SPACE_KEY = /^(~[A-Za-z0-9:_-]+|[A-Za-z0-9_]+)$/;

/**
 * Publishing is off (null) when CONFLUENCE_BASE_URL is unset; once it is set, every other
 * required value must be present and valid. The first bad value is thrown as a
 * ConfluenceConfigError naming its variable; `confluenceSettings` reports all of them.
 */
export function loadConfluenceConfig(env: Env = process.env): ConfluenceConfig | null {
  const rawBaseUrl = value(env, 'CONFLUENCE_BASE_URL');
  if (rawBaseUrl === undefined) return null;
  const problems = new Problems();
  const config = {
    baseUrl: problems.take(() => parseBaseUrl(rawBaseUrl)),
    username: problems.take(() => required(env, 'CONFLUENCE_USERNAME')),
    password: problems.take(() => parsePassword(env)),
    spaceKey: problems.take(() => parseSpaceKey(env)),
    parentPageId: problems.take(() => parseParentPageId(env)),
  };
  if (problems.list.length > 0) {
    const [first] = problems.list;
    throw new ConfluenceConfigError(first.slice(0, first.indexOf(':')), first.slice(first.indexOf(':') + 2), problems.list);
  }
  const { parentPageId, ...rest } = config;
  return { ...(rest as Omit<ConfluenceConfig, 'parentPageId'>), ...(parentPageId ? { parentPageId } : {}) };
}

function parsePassword(env: Env): string {
  const password = value(env, 'CONFLUENCE_API_TOKEN') ?? value(env, 'CONFLUENCE_PASSWORD');
  if (password === undefined) {
    throw new ConfluenceConfigError('CONFLUENCE_API_TOKEN', 'is required (or CONFLUENCE_PASSWORD for Data Center)');
  }
  return password;
}

function parseSpaceKey(env: Env): string {
  const spaceKey = required(env, 'CONFLUENCE_SPACE_KEY');
  if (!SPACE_KEY.test(spaceKey)) {
    throw new ConfluenceConfigError('CONFLUENCE_SPACE_KEY', `"${spaceKey}" is not a space key (letters and digits, e.g. OPS)`);
  }
  return spaceKey;
}

function parseParentPageId(env: Env): string | undefined {
  const parentPageId = value(env, 'CONFLUENCE_PARENT_PAGE_ID');
  if (parentPageId !== undefined && !/^\d+$/.test(parentPageId)) {
    throw new ConfluenceConfigError('CONFLUENCE_PARENT_PAGE_ID', `"${parentPageId}" is not a page id (digits only)`);
  }
  return parentPageId;
}

function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfluenceConfigError('CONFLUENCE_BASE_URL', `"${raw}" is not a URL (e.g. https://example.atlassian.net/wiki)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfluenceConfigError('CONFLUENCE_BASE_URL', `must be http(s), got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfluenceConfigError('CONFLUENCE_BASE_URL', 'must not carry credentials, a query or a fragment');
  }
  if (url.hostname.endsWith('.atlassian.net') && !url.pathname.replace(/\/+$/, '').endsWith('/wiki')) {
    throw new ConfluenceConfigError('CONFLUENCE_BASE_URL', 'Confluence Cloud URLs end with /wiki (https://example.atlassian.net/wiki)');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function required(env: Env, name: string): string {
  const found = value(env, name);
  if (found === undefined) throw new ConfluenceConfigError(name, 'is required when CONFLUENCE_BASE_URL is set');
  return found;
}

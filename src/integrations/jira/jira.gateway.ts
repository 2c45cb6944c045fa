import { Inject, Injectable, Optional } from '@nestjs/common';
import type JiraApi from 'jira-client';
import { type JiraFlavor, JiraConfig, siteOf } from '../../config/jira-config.js';
import { onceUnlessFailed } from '../../common/once-unless-failed.js';
import { isTransient } from '../http/http-error.js';
import { Shutdown } from '../../infra/lifecycle/shutdown.js';
import { answerLabel, metrics } from '../../infra/metrics/metrics.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../http/retry.js';
import { JiraHttpError, toJiraError } from './jira-http-error.js';
import { jiraTransport } from './jira-transport.js';
import type {
  JiraBoard,
  JiraCreated,
  JiraField,
  JiraIssue,
  JiraIssueFields,
  JiraServerInfo,
  JiraSprint,
  JiraTransition,
} from './jira.types.js';

export type JiraGatewayConfig = Pick<JiraConfig, 'baseUrl' | 'auth' | 'flavor'>;

export interface JiraGatewayOptions {
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

/** Injection token for gateway options (tests and /health use short retries and timeouts). */
export const JIRA_GATEWAY_OPTIONS = Symbol('JIRA_GATEWAY_OPTIONS');

/**
 * A create that failed with 5xx or a cut connection may have been stored by JIRA: retrying it
 * could duplicate the issue, so non-idempotent calls retry only on 429 (refused before work).
 */
const isRetryableCreate = (error: unknown) => error instanceof JiraHttpError && error.status === 429;

const PAGE_SIZE = 100;

/** `deploymentType` of serverInfo → our flavour; an answer without one is a Server (older Data Center releases omit it). */
export function flavorOf(info: JiraServerInfo): JiraFlavor {
  return info.deploymentType?.toLowerCase() === 'cloud' ? 'cloud' : 'datacenter';
}

/** One import for every gateway of the process (Jest's ESM loader also fails on two at once). */
const loadJiraClient = onceUnlessFailed(async () => (await import('jira-client')).default);

/** Public in jira-client's JavaScript, private in @types/jira-client: the calls the library lacks use them. */
interface JiraApiInternals {
  doRequest(options: Record<string, unknown>): Promise<unknown>;
  makeRequestHeader(uri: string, options?: Record<string, unknown>): Record<string, unknown>;
  makeUri(options: { pathname: string; query?: Record<string, string | number> }): string;
  makeAgileUri(options: { pathname: string; query?: Record<string, string | number> }): string;
}

/**
 * The only door to JIRA (the only file importing jira-client). Every call goes through the
 * retry policy; failures come out as JiraHttpError / JiraNetworkError.
 */
@Injectable()
export class JiraGateway {
  /** jira-client, loaded with the first call: a service without JIRA settings never loads it (0.2 s of start-up). */
  private readonly jiraClient = onceUnlessFailed(async () => new (await loadJiraClient())(this.clientOptions));
  private readonly clientOptions: JiraApi.JiraApiOptions;
  private readonly retry: RetryPolicy;
  /** The flavour asked from the server, once (a failed ask is not kept: the next call asks again). */
  private readonly detectFlavor = onceUnlessFailed(async () => flavorOf(await this.serverInfo()));

  constructor(
    @Inject(JiraConfig) private readonly config: JiraGatewayConfig,
    @Optional() @Inject(JIRA_GATEWAY_OPTIONS) private readonly options: JiraGatewayOptions = {},
    @Optional() private readonly shutdown?: Shutdown,
  ) {
    const url = config.baseUrl;
    const auth =
      config.auth.kind === 'bearer' ? { bearer: config.auth.token } : { username: config.auth.email, password: config.auth.apiToken };
    this.clientOptions = {
      protocol: url.protocol.replace(':', ''),
      host: url.hostname,
      port: url.port || undefined,
      base: url.pathname.replace(/\/+$/, ''),
      apiVersion: '2',
      strictSSL: true,
      timeout: options.timeoutMs ?? 30_000,
      request: jiraTransport as unknown as JiraApi.JiraApiOptions['request'],
      ...auth,
    };
    this.retry = { ...DEFAULT_RETRY_POLICY, signal: shutdown?.signal, ...options.retry };
  }

  /** The same JIRA with another retry policy (reads a person waits on retry less). */
  withRetry(retry: Partial<RetryPolicy>): JiraGateway {
    return new JiraGateway(this.config, { ...this.options, retry: { ...this.options.retry, ...retry } }, this.shutdown);
  }

  /** The site this gateway talks to, as links record it (base URL without trailing slash). */
  get site(): string {
    return siteOf(this.config.baseUrl);
  }

  findIssue(key: string): Promise<JiraIssue> {
    return this.call((client) => client.findIssue(key));
  }

  createIssue(fields: JiraIssueFields): Promise<JiraCreated> {
    return this.call((client) => client.addNewIssue({ fields }), isRetryableCreate);
  }

  /** One round trip for many issues; JIRA reports per-item failures in `errors`. */
  bulkCreate(issues: JiraIssueFields[]): Promise<{ issues: JiraCreated[]; errors: unknown[] }> {
    return this.post('api', '/issue/bulk', { issueUpdates: issues.map((fields) => ({ fields })) }, isRetryableCreate) as Promise<{
      issues: JiraCreated[];
      errors: unknown[];
    }>;
  }

  async updateIssue(key: string, fields: JiraIssueFields): Promise<void> {
    await this.call((client) => client.updateIssue(key, { fields }));
  }

  async listTransitions(key: string): Promise<JiraTransition[]> {
    const answer = await this.call((client) => client.listTransitions(key));
    return (answer as { transitions: JiraTransition[] }).transitions;
  }

  async transitionIssue(key: string, transitionId: string): Promise<void> {
    await this.call((client) => client.transitionIssue(key, { transition: { id: transitionId } }));
  }

  /** `body` is wiki markup (REST v2). */
  async addComment(key: string, body: string): Promise<void> {
    await this.call((client) => client.addComment(key, body));
  }

  async linkIssues(typeName: string, inwardKey: string, outwardKey: string): Promise<void> {
    await this.call((client) =>
      client.issueLink({ type: { name: typeName }, inwardIssue: { key: inwardKey }, outwardIssue: { key: outwardKey } }),
    );
  }

  /**
   * All issues matching `jql`. Cloud: POST /search/jql with nextPageToken (POST /search is 410
   * there); Data Center: POST /search with startAt. JQL travels in the body, which also keeps
   * it away from jira-client's decodeURIComponent of query strings.
   */
  async search(jql: string, fields: string[]): Promise<JiraIssue[]> {
    return (await this.flavor()) === 'cloud' ? this.searchCloud(jql, fields) : this.searchDataCenter(jql, fields);
  }

  /**
   * Cloud or Data Center: JIRA_FLAVOR when set, else what the server says it is
   * (`serverInfo.deploymentType`: "Cloud", or "Server" / "DataCenter"), never the host name.
   */
  flavor(): Promise<JiraFlavor> {
    if (this.config.flavor) return Promise.resolve(this.config.flavor);
    return this.detectFlavor();
  }

  async getBoards(projectKey?: string): Promise<JiraBoard[]> {
    const answer = await this.call((client) => client.getAllBoards(0, 50, undefined, undefined, projectKey));
    return (answer as { values: JiraBoard[] }).values;
  }

  async getSprints(boardId: number, state?: 'future' | 'active' | 'closed'): Promise<JiraSprint[]> {
    const sprints: JiraSprint[] = [];
    for (let startAt = 0; ; ) {
      const page = (await this.call((client) => client.getAllSprints(String(boardId), startAt, 50, state))) as {
        values: JiraSprint[];
        isLast?: boolean;
      };
      sprints.push(...page.values);
      if (page.isLast !== false || page.values.length === 0) return sprints;
      startAt += page.values.length;
    }
  }

  createSprint(input: { name: string; boardId: number; startDate?: string; endDate?: string; goal?: string }): Promise<JiraSprint> {
    const body = { name: input.name, originBoardId: input.boardId, startDate: input.startDate, endDate: input.endDate, goal: input.goal };
    return this.post('agile', '/sprint', body, isRetryableCreate) as Promise<JiraSprint>;
  }

  getSprint(sprintId: number): Promise<JiraSprint> {
    return this.call((client) => client.getSprint(String(sprintId)));
  }

  /** Partial update (Agile API): `state: 'active'` starts a future sprint, `state: 'closed'` completes an active one. */
  updateSprint(
    sprintId: number,
    fields: { state?: 'active' | 'closed'; startDate?: string; endDate?: string; name?: string; goal?: string },
  ): Promise<JiraSprint> {
    return this.post('agile', `/sprint/${sprintId}`, fields) as Promise<JiraSprint>;
  }

  /** Keys of every issue in a sprint (a closed sprint keeps the issues it had). */
  async sprintIssueKeys(sprintId: number): Promise<string[]> {
    const keys: string[] = [];
    for (let startAt = 0; ; ) {
      const page = (await this.get('agile', `/sprint/${sprintId}/issue`, { startAt, maxResults: 50, fields: 'status' })) as {
        issues: { key: string }[];
        total: number;
      };
      keys.push(...page.issues.map((issue) => issue.key));
      startAt += page.issues.length;
      if (page.issues.length === 0 || startAt >= page.total) return keys;
    }
  }

  /** Every issue in a sprint with the fields asked for (the sprint review reads summary, status, labels, parent). */
  async sprintIssues(sprintId: number, fields: string[]): Promise<JiraIssue[]> {
    const issues: JiraIssue[] = [];
    for (let startAt = 0; ; ) {
      const page = (await this.get('agile', `/sprint/${sprintId}/issue`, { startAt, maxResults: 50, fields: fields.join(',') })) as {
        issues: JiraIssue[];
        total: number;
      };
      issues.push(...page.issues);
      startAt += page.issues.length;
      if (page.issues.length === 0 || startAt >= page.total) return issues;
    }
  }

  async addIssuesToSprint(sprintId: number, issueKeys: string[]): Promise<void> {
    // The Agile API takes at most 50 issues per call.
    for (let i = 0; i < issueKeys.length; i += 50) {
      const issues = issueKeys.slice(i, i + 50);
      await this.post('agile', `/sprint/${sprintId}/issue`, { issues });
    }
  }

  /** The instance's fields, system and custom (GET /field): custom field ids are only known from it. */
  fields(): Promise<JiraField[]> {
    return this.call((client) => client.listFields());
  }

  serverInfo(): Promise<JiraServerInfo> {
    return this.call((client) => client.getServerInfo());
  }

  private async searchCloud(jql: string, fields: string[]): Promise<JiraIssue[]> {
    const issues: JiraIssue[] = [];
    let nextPageToken: string | undefined;
    do {
      const body = { jql, fields, maxResults: PAGE_SIZE, ...(nextPageToken ? { nextPageToken } : {}) };
      const page = (await this.post('api', '/search/jql', body)) as { issues: JiraIssue[]; nextPageToken?: string; isLast?: boolean };
      issues.push(...page.issues);
      nextPageToken = page.isLast === false ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return issues;
  }

  private async searchDataCenter(jql: string, fields: string[]): Promise<JiraIssue[]> {
    const issues: JiraIssue[] = [];
    for (let startAt = 0; ; ) {
      const page = (await this.post('api', '/search', { jql, fields, startAt, maxResults: PAGE_SIZE })) as {
        issues: JiraIssue[];
        total: number;
      };
      issues.push(...page.issues);
      startAt += page.issues.length;
      if (page.issues.length === 0 || startAt >= page.total) return issues;
    }
  }

  private get(api: 'api' | 'agile', pathname: string, query: Record<string, string | number>): Promise<unknown> {
    return this.call((client) => {
      const lib = client as unknown as JiraApiInternals;
      const uri = api === 'api' ? lib.makeUri({ pathname, query }) : lib.makeAgileUri({ pathname, query });
      return lib.doRequest(lib.makeRequestHeader(uri));
    });
  }

  private post(api: 'api' | 'agile', pathname: string, body: unknown, retryable = isTransient): Promise<unknown> {
    return this.call((client) => {
      const lib = client as unknown as JiraApiInternals;
      const uri = api === 'api' ? lib.makeUri({ pathname }) : lib.makeAgileUri({ pathname });
      return lib.doRequest(lib.makeRequestHeader(uri, { method: 'POST', body }));
    }, retryable);
  }

  private async call<T>(operation: (client: JiraApi) => Promise<unknown>, retryable = isTransient): Promise<T> {
    const client = await this.jiraClient();
    return withRetry(
      this.retry,
      async (attempt) => {
        if (attempt > 1) metrics.atlassianRetries.inc({ system: 'jira' });
        try {
          const answer = (await operation(client)) as T;
          metrics.atlassianRequests.inc({ system: 'jira', status: 'ok' });
          return answer;
        } catch (error) {
          const failure = toJiraError(error);
          metrics.atlassianRequests.inc({ system: 'jira', status: answerLabel(failure) });
          throw failure;
        }
      },
      retryable,
    );
  }
}

import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JiraGateway } from '../../../src/integrations/jira/jira.gateway.js';
import { JiraHttpError } from '../../../src/integrations/jira/jira-http-error.js';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';

describe('gateway', () => {
  /** jira-client, through the gateway, against the sandbox over HTTP. */
  describe('JiraGateway against the JIRA sandbox', () => {
    let sandbox: AtlassianSandbox;
    let gateway: JiraGateway;
    const user = DEFAULT_USERS[0];
    const delays: number[] = [];

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
      gateway = new JiraGateway(
        { baseUrl: new URL(sandbox.jiraBaseUrl), flavor: 'cloud', auth: { kind: 'basic', email: user.email, apiToken: user.apiToken } },
        { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 50, onRetry: ({ delayMs }) => delays.push(delayMs) } },
      );
    });
    afterAll(() => sandbox.stop());
    beforeEach(() => {
      delays.length = 0;
      sandbox.jira.faults.clear();
    });

    it('creates, finds and searches an issue whose summary holds & and #, and answers 400 to unsupported JQL', async () => {
      const created = await gateway.createIssue({
        project: { key: 'OPS' },
        summary: 'Keystone & friends #1',
        issuetype: { name: 'Epic' },
        labels: ['opsprint'],
      });
      expect(created.key).toMatch(/^OPS-\d+$/);
      const found = await gateway.findIssue(created.key);
      expect(found.fields.summary).toBe('Keystone & friends #1');
      expect(found.fields.status?.name).toBe('To Do');
      const hits = await gateway.search('project = OPS AND summary = "x" ', ['summary']).catch((e: unknown) => e);
      expect(hits).toBeInstanceOf(JiraHttpError);
      const byLabel = await gateway.search('project = OPS AND labels = "opsprint" ORDER BY key', ['summary', 'labels']);
      expect(byLabel.map((i) => i.key)).toContain(created.key);
    });

    it('tells a 404 apart and does not retry it', async () => {
      const error = await gateway.findIssue('OPS-999').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JiraHttpError);
      expect((error as JiraHttpError).status).toBe(404);
      expect(delays).toEqual([]);
    });

    it('waits as long as Retry-After says on 429, then succeeds', async () => {
      sandbox.jira.faults.rateLimit(2, 0);
      const info = await gateway.serverInfo();
      expect(info.deploymentType).toBe('Cloud');
      expect(delays).toEqual([0, 0]);
    });

    it('retries a burst of 503 with backoff', async () => {
      sandbox.jira.faults.serverErrors(3, 503);
      await expect(gateway.serverInfo()).resolves.toMatchObject({ baseUrl: sandbox.jiraBaseUrl });
      expect(delays).toHaveLength(3);
    });

    it('gives up after the configured attempts with the last status', async () => {
      sandbox.jira.faults.serverErrors(10, 502);
      const error = await gateway.serverInfo().catch((e: unknown) => e);
      expect((error as JiraHttpError).status).toBe(502);
      expect(delays).toHaveLength(3);
    });

    it('does not repeat a create whose answer was lost (it may be stored), but does repeat one refused with 429', async () => {
      const before = sandbox.jira.state.issues.size;
      sandbox.jira.faults.dropCreateAnswerAfter(0);
      await expect(gateway.createIssue({ project: { key: 'OPS' }, summary: 'lost answer', issuetype: { name: 'Task' } })).rejects.toThrow(
        /ECONNRESET|socket hang up/,
      );
      expect(sandbox.jira.state.issues.size).toBe(before + 1);
      sandbox.jira.faults.rateLimit(1, 0);
      await gateway.createIssue({ project: { key: 'OPS' }, summary: 'after 429', issuetype: { name: 'Task' } });
      expect(sandbox.jira.state.issues.size).toBe(before + 2);
    });

    it('treats an answer slower than the timeout as lost and asks again', async () => {
      const impatient = new JiraGateway(
        { baseUrl: new URL(sandbox.jiraBaseUrl), flavor: 'cloud', auth: { kind: 'basic', email: user.email, apiToken: user.apiToken } },
        { timeoutMs: 150, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, onRetry: ({ delayMs }) => delays.push(delayMs) } },
      );
      sandbox.jira.faults.slow(1, 600);
      const before = sandbox.jira.requests.length;
      await expect(impatient.serverInfo()).resolves.toMatchObject({ deploymentType: 'Cloud' });
      expect(delays).toHaveLength(1);
      // The abandoned request is still answered (and logged) by the sandbox later: wait for it, so
      // it does not land among the requests a later test counts.
      while (sandbox.jira.requests.slice(before).filter((r) => r.path === '/rest/api/2/serverInfo').length < 2)
        await new Promise((resolve) => setTimeout(resolve, 20));
    });

    it('rejects bad credentials with 401', async () => {
      const stranger = new JiraGateway({
        baseUrl: new URL(sandbox.jiraBaseUrl),
        flavor: 'cloud',
        auth: { kind: 'bearer', token: 'wrong' },
      });
      const error = await stranger.serverInfo().catch((e: unknown) => e);
      expect((error as JiraHttpError).status).toBe(401);
    });

    it('pages through search results on Cloud (nextPageToken) and Data Center (startAt)', async () => {
      for (let i = 0; i < 105; i++)
        await gateway.createIssue({ project: { key: 'OPS' }, summary: `bulk ${i}`, issuetype: { name: 'Task' }, labels: ['paging'] });
      expect(await gateway.search('labels = paging', ['summary'])).toHaveLength(105);
      const dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
      try {
        const dcGateway = new JiraGateway({
          baseUrl: new URL(dc.jiraBaseUrl),
          flavor: 'datacenter',
          auth: { kind: 'bearer', token: user.pat },
        });
        const { issues } = await dcGateway.bulkCreate(
          Array.from({ length: 101 }, (_, i) => ({
            project: { key: 'OPS' },
            summary: `dc ${i}`,
            issuetype: { name: 'Task' },
            labels: ['paging'],
          })),
        );
        expect(issues).toHaveLength(101);
        expect(await dcGateway.search('labels = paging', ['summary'])).toHaveLength(101);
        expect((await dcGateway.serverInfo()).deploymentType).toBe('Server');
      } finally {
        await dc.stop();
      }
    });

    it('asks the server for its flavour when JIRA_FLAVOR is unset: a Cloud site on a plain address is Cloud, a Server one Data Center', async () => {
      // 127.0.0.1 is no *.atlassian.net host: a guess from the name would call this Cloud sandbox Data Center.
      const detecting = new JiraGateway(
        { baseUrl: new URL(sandbox.jiraBaseUrl), flavor: null, auth: { kind: 'basic', email: user.email, apiToken: user.apiToken } },
        { retry: { attempts: 1 } },
      );
      const before = sandbox.jira.requests.length;
      expect(await detecting.flavor()).toBe('cloud');
      await detecting.search('labels = detect-flavour', ['summary']);
      await detecting.search('labels = detect-flavour', ['summary']);
      expect(sandbox.jira.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /rest/api/2/serverInfo 200',
        'POST /rest/api/2/search/jql 200',
        'POST /rest/api/2/search/jql 200',
      ]);

      const dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
      try {
        const dcDetecting = new JiraGateway({ baseUrl: new URL(dc.jiraBaseUrl), flavor: null, auth: { kind: 'bearer', token: user.pat } });
        expect(await dcDetecting.flavor()).toBe('datacenter');
        await dcDetecting.search('project = OPS', ['summary']);
        expect(dc.jira.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
          'GET /rest/api/2/serverInfo 200',
          'POST /rest/api/2/search 200',
        ]);
      } finally {
        await dc.stop();
      }
    });

    it('asks again after a failed detection instead of keeping the failure', async () => {
      const detecting = new JiraGateway(
        { baseUrl: new URL(sandbox.jiraBaseUrl), flavor: null, auth: { kind: 'basic', email: user.email, apiToken: user.apiToken } },
        { retry: { attempts: 1 } },
      );
      sandbox.jira.faults.serverErrors(1, 503);
      await expect(detecting.flavor()).rejects.toMatchObject({ status: 503 });
      expect(await detecting.flavor()).toBe('cloud');
    });
  });
});

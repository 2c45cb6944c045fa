import request from 'supertest';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JobQueue } from '../../../src/infra/queue/job-queue.js';
import { eventually, startTestApp, type TestApp } from '../../support/test-app.js';

describe('final-errors', () => {
  const ADMIN_TOKEN = 'final-errors-admin-token-0123456789';

  /**
   * A JIRA answer that no retry can fix stops the job at once, says so in /health and the audit
   * log. The case from the field: a Cloud site taken for Data Center searches the removed
   * /rest/api/2/search and gets 410 Gone.
   */
  describe('JIRA answers that cannot succeed on retry (the application against the sandbox)', () => {
    let sandbox: AtlassianSandbox;
    let t: TestApp;
    let t2: TestApp;
    const user = DEFAULT_USERS[0];

    const jiraEnv = (flavor?: string) => ({
      OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      JIRA_BASE_URL: sandbox.jiraBaseUrl,
      JIRA_EMAIL: user.email,
      JIRA_API_TOKEN: user.apiToken,
      JIRA_PROJECT_KEY: 'OPS',
      ...(flavor ? { JIRA_FLAVOR: flavor } : {}),
    });

    async function syncBacklog(app: TestApp, name: string): Promise<string> {
      const environment = await app.db.prisma.environment.create({ data: { name, network: {} } });
      const deployment = await app.db.prisma.deployment.create({
        data: {
          environmentId: environment.id,
          runbookKey: 'openstack-liberty',
          runbookVersion: '1',
          phases: ['base'],
          trigger: 'api',
          requester: 'final-errors-test',
        },
      });
      const payload = { deploymentId: deployment.id, environmentId: environment.id, environmentName: name };
      return app.app.get(JobQueue).add('jira:sync-backlog', payload, { jobId: `sync-${deployment.id}` });
    }

    const job = (app: TestApp, id: string) => app.app.get(JobQueue).job('jira', id);

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox(); // Cloud, on 127.0.0.1: no *.atlassian.net name to go by
    });
    afterAll(async () => {
      await t?.close();
      await t2?.close();
      await sandbox?.stop();
    });

    it('a 410 fails the backlog sync once, with no retry, and shows in /health and the audit log', async () => {
      t = await startTestApp({ env: jiraEnv('datacenter') });
      const jobId = await syncBacklog(t, 'gone');
      const failed = await eventually(async () => {
        const view = await job(t, jobId);
        return view?.state === 'failed' ? view : undefined;
      });
      expect(failed.attemptsMade).toBe(1);
      expect(failed.failedReason).toContain('JIRA answered 410 to POST /rest/api/2/search');
      expect(failed.failedReason).toContain('JIRA_FLAVOR');
      // No waiting for a retry that might come: BullMQ parks a job that has a retry left as `delayed`
      // (or `waiting`), and `failed` is final, so the one search is all there will be.
      // (The JQL poll, started with the app, searches too: only the sync's search names the environment.)
      const syncSearches = sandbox.jira.requests.filter((r) => r.path === '/rest/api/2/search' && r.body?.includes('env-gone'));
      expect(syncSearches.map((r) => r.status)).toEqual([410]);
      expect((await job(t, jobId))?.state).toBe('failed');

      const audit = await t.db.prisma.auditEvent.findMany({
        where: { action: 'jira.sync.failed', target: (failed.data as { deploymentId: string }).deploymentId },
      });
      expect(audit).toHaveLength(1);
      expect(audit[0].detail).toMatchObject({ job: 'jira:sync-backlog', status: 410, request: 'POST /rest/api/2/search' });

      const health = await request(t.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(health.status).toBe(200); // JIRA never makes OpSprint itself unhealthy
      expect(health.body.dependencies.jira.status).toBe('down');
      expect(health.body.dependencies.jira.finalErrors).toContainEqual(expect.objectContaining({ job: 'jira:sync-backlog', status: 410 }));
      expect(health.body.dependencies.jira.detail).toMatch(/jira:sync-backlog stopped at .*JIRA answered 410 .*not retried: .*JIRA_FLAVOR/);
    });

    it('with JIRA_FLAVOR unset the same site is asked what it is, found to be Cloud, and synced', async () => {
      const before = sandbox.jira.requests.length;
      t2 = await startTestApp({ env: jiraEnv() });
      const jobId = await syncBacklog(t2, 'asked');
      const done = await eventually(async () => {
        const view = await job(t2, jobId);
        return view?.state === 'completed' || view?.state === 'failed' ? view : undefined;
      }, 120_000);
      expect({ state: done.state, reason: done.failedReason }).toEqual({ state: 'completed', reason: undefined });
      const made = sandbox.jira.requests.slice(before);
      expect(made.filter((r) => r.path === '/rest/api/2/search')).toEqual([]);
      expect(made.filter((r) => r.path === '/rest/api/2/search/jql').length).toBeGreaterThan(0);
      expect(made.some((r) => r.path === '/rest/api/2/serverInfo')).toBe(true);
      expect([...sandbox.jira.state.issues.values()].filter((i) => i.labels.includes('env-asked') && i.issueType === 'Epic')).toHaveLength(
        11,
      );

      const health = await request(t2.app.getHttpServer()).get('/health').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(health.body.dependencies.jira).toMatchObject({ status: 'up', flavor: 'cloud' });
      expect(health.body.dependencies.jira.finalErrors).toBeUndefined();
    });
  });
});

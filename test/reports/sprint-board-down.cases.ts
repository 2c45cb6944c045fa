/**
 * The JIRA board down while people look at the sprint: the dashboard's sprint pages and the API's
 * sprint routes answer from what PostgreSQL holds, saying since when ("JIRA unreachable: showing
 * data from …"), and a close that needs JIRA is a clear 503. Faults come from the Atlassian
 * sandbox (503 on every request) and from a closed port (nothing listening at JIRA_BASE_URL).
 */
import request from 'supertest';
import { jiraAsPerson as jira } from '../support/jira-as-person.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { SprintsService } from '../../src/reports/sprints.service.js';
import { atlassianEnv } from '../integrations/flow-support.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { postSignIn, sessionCookie } from '../support/dashboard-sign-in.js';

describe('sprint-board-down', () => {
  const ADMIN_TOKEN = 'sprint-board-down-admin-token-0123456789';
  const NOTICE = /JIRA unreachable: showing data from <time datetime="[^"]+">(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC)<\/time>/;

  /** Signs in through the dashboard's form as a browser would; the session cookie to send afterwards. */
  const signIn = async (t: TestApp) => sessionCookie(await postSignIn(t.app.getHttpServer(), ADMIN_TOKEN))!;

  const appOn = (jiraBaseUrl: string, sandbox: AtlassianSandbox) =>
    startTestApp({
      env: {
        ...atlassianEnv(sandbox),
        JIRA_BASE_URL: jiraBaseUrl,
        JIRA_POLL_INTERVAL_SECONDS: '3600',
        OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      },
    });

  describe('sprint pages and routes with the JIRA board down', () => {
    let sandbox: AtlassianSandbox;
    let t: TestApp;
    let cookie: string;
    let sprintId: string;
    const api = (method: 'get' | 'post', path: string) =>
      request(t.app.getHttpServer())[method](path).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    const page = (path: string) => request(t.app.getHttpServer()).get(path).set('Cookie', cookie);

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
      t = await appOn(sandbox.jiraBaseUrl, sandbox);
      cookie = await signIn(t);
      const keys: string[] = [];
      for (const summary of ['Install keystone', 'Install glance', 'Install nova']) {
        keys.push(
          (await jira(sandbox, 'POST', '/rest/api/2/issue', { fields: { project: { key: 'OPS' }, issuetype: { name: 'Story' }, summary } }))
            .key,
        );
      }
      const start = new Date(Date.now() - 86_400_000);
      const sprint = await jira(sandbox, 'POST', '/rest/agile/1.0/sprint', {
        name: 'Sprint 9',
        originBoardId: 1,
        startDate: start.toISOString(),
        endDate: new Date(start.getTime() + 7 * 86_400_000).toISOString(),
      });
      await jira(sandbox, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: keys });
      await jira(sandbox, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'active' });
      // The board is read while JIRA answers: this is the data the pages fall back on.
      const listed = await api('get', '/api/v1/sprints');
      expect(listed.status).toBe(200);
      expect(listed.headers.warning).toBeUndefined();
      sprintId = listed.body.find((s: { jiraSprintId: number }) => s.jiraSprintId === sprint.id).id;
    });
    afterAll(async () => {
      await t?.close();
      await sandbox?.stop();
    });

    it('renders the stored sprints with a notice, answers the API from them, and refuses a close with 503', async () => {
      sandbox.jira.faults.serverErrors(10_000, 503);
      const injected = sandbox.jira.faults.injected;
      await t.app.get(SprintsService).refresh({ force: true });
      // A read a page waits on tries JIRA twice, then answers from PostgreSQL.
      expect(sandbox.jira.faults.injected - injected).toBe(2);

      const list = await page('/dashboard/sprints');
      expect(list.status).toBe(200);
      expect(list.text).toMatch(NOTICE);
      expect(list.text).toContain('Sprint 9');
      expect(list.text).toContain('JIRA answered 503');

      // The overview's sprint box too: the stored sprints, with the same notice.
      const overview = await page('/dashboard');
      expect(overview.status).toBe(200);
      expect(overview.text).toMatch(NOTICE);
      expect(overview.text).toContain('Sprint 9');

      const review = await page(`/dashboard/sprints/${sprintId}`);
      expect(review.status).toBe(200);
      expect(review.text).toMatch(NOTICE);
      expect(review.text).toContain('Sprint 9 review');
      // The committed backlog as stored: 3 stories, none done.
      expect(review.text).toMatch(/<tr data-row="Stories"><th scope="row">Stories<\/th><td>3<\/td>/);

      const sprints = await api('get', '/api/v1/sprints');
      expect(sprints.status).toBe(200);
      expect(sprints.headers.warning).toMatch(/^110 opsprint "JIRA unreachable: showing data from \d{4}-\d\d-\d\dT/);
      expect(sprints.body.map((s: { id: string }) => s.id)).toContain(sprintId);
      const report = await api('get', `/api/v1/sprints/${sprintId}/report`);
      expect(report.status).toBe(200);
      expect(report.headers.warning).toMatch(/JIRA unreachable/);
      expect(report.body.scope.committed.stories).toBe(3);

      const close = await api('post', `/api/v1/sprints/${sprintId}/close`);
      expect(close.status).toBe(503);
      expect(close.body.message).toMatch(/^JIRA unreachable: sprint Sprint 9 cannot be closed now \(JIRA answered 503/);
      expect(sandbox.jira.state.sprints.find((s) => s.name === 'Sprint 9')!.state).toBe('active');

      // JIRA back: the next read clears the notice.
      sandbox.jira.faults.clear();
      await t.app.get(SprintsService).refresh({ force: true });
      expect((await page('/dashboard/sprints')).text).not.toMatch(/JIRA unreachable/);
      expect((await page('/dashboard')).text).not.toMatch(/JIRA unreachable/);
      expect((await api('get', '/api/v1/sprints')).headers.warning).toBeUndefined();

      // The sprint-end schedule's read is patient: two 503s in a row are ridden out.
      sandbox.jira.faults.serverErrors(2, 503);
      await t.app.get(SprintsService).refresh({ force: true, patient: true });
      expect(await t.app.get(SprintsService).boardUnreachable()).toBeNull();
    });

    it('with nothing listening at the JIRA address, a second service on the same database shows the stored data; a fresh one answers 503', async () => {
      const closedPort = 'http://127.0.0.1:9';
      const second = await startTestApp({
        databaseUrl: t.runtime.databaseUrl,
        env: {
          ...atlassianEnv(sandbox),
          JIRA_BASE_URL: closedPort,
          JIRA_POLL_INTERVAL_SECONDS: '3600',
          OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
        },
      });
      try {
        const listed = await request(second.app.getHttpServer()).get('/api/v1/sprints').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
        expect(listed.status).toBe(200);
        expect(listed.headers.warning).toMatch(/JIRA unreachable: showing data from/);
        expect(listed.body.map((s: { id: string }) => s.id)).toContain(sprintId);
      } finally {
        await second.close();
      }

      const fresh = await appOn(closedPort, sandbox);
      try {
        const listed = await request(fresh.app.getHttpServer()).get('/api/v1/sprints').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
        expect(listed.status).toBe(503);
        expect(listed.body.message).toMatch(
          /^JIRA unreachable: no sprint has been read from the board yet \(JIRA unreachable \(ECONNREFUSED\)/,
        );
      } finally {
        await fresh.close();
      }
    });
  });
});

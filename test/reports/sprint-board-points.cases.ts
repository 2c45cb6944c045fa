/**
 * Sprints read from the JIRA board of the Atlassian sandbox, through the real jira-client: the
 * story points a team put on its stories (the site's own "Story point estimate" / "Story Points"
 * field, found by name in GET /field) make the committed, added, done and burndown numbers of the
 * review; a site without the field gets the same review counted in stories, and says so.
 */
import request from 'supertest';
import { jiraAsPerson as jira } from '../support/jira-as-person.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { SprintReviewService } from '../../src/reports/sprint-review.service.js';
import { SprintsService } from '../../src/reports/sprints.service.js';
import { atlassianEnv } from '../integrations/flow-support.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('sprint-board-points', () => {
  const ADMIN_TOKEN = 'sprint-board-points-admin-token-0123456789';

  /** A story in project OPS, estimated when `points` is a number (the field id comes from GET /field, as for any client). */
  async function story(sandbox: AtlassianSandbox, summary: string, points: number | null): Promise<string> {
    const fields = (await jira(sandbox, 'GET', '/rest/api/2/field')) as { id: string; name: string }[];
    const pointsField = fields.find((field) => /^story point/i.test(field.name));
    const created = await jira(sandbox, 'POST', '/rest/api/2/issue', {
      fields: {
        project: { key: 'OPS' },
        issuetype: { name: 'Story' },
        summary,
        ...(points !== null && pointsField ? { [pointsField.id]: points } : {}),
      },
    });
    return created.key;
  }

  async function markDone(sandbox: AtlassianSandbox, key: string): Promise<void> {
    const { transitions } = await jira(sandbox, 'GET', `/rest/api/2/issue/${key}/transitions`);
    const done = transitions.find((transition: { to: { name: string } }) => transition.to.name === 'Done');
    await jira(sandbox, 'POST', `/rest/api/2/issue/${key}/transitions`, { transition: { id: done.id } });
  }

  /** A running sprint on board 1 with the given stories committed. */
  async function runningSprint(sandbox: AtlassianSandbox, name: string, keys: string[]): Promise<number> {
    const start = new Date(Date.now() - 2 * 86_400_000);
    const sprint = await jira(sandbox, 'POST', '/rest/agile/1.0/sprint', {
      name,
      originBoardId: 1,
      startDate: start.toISOString(),
      endDate: new Date(start.getTime() + 10 * 86_400_000).toISOString(),
    });
    await jira(sandbox, 'POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: keys });
    await jira(sandbox, 'POST', `/rest/agile/1.0/sprint/${sprint.id}`, { state: 'active' });
    return sprint.id;
  }

  async function appOn(sandbox: AtlassianSandbox, flavor: 'cloud' | 'datacenter'): Promise<TestApp> {
    return startTestApp({
      env: {
        ...atlassianEnv(sandbox),
        JIRA_FLAVOR: flavor,
        JIRA_POLL_INTERVAL_SECONDS: '3600',
        OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      },
    });
  }

  async function sprintId(t: TestApp, jiraSprintId: number): Promise<string> {
    const listed = await request(t.app.getHttpServer()).get('/api/v1/sprints').set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(listed.status).toBe(200);
    return listed.body.find((sprint: { jiraSprintId: number }) => sprint.jiraSprintId === jiraSprintId).id;
  }

  describe.each([
    ['Cloud', 'cloud'],
    ['Server', 'datacenter'],
  ] as const)('story points from a %s board', (deploymentType, flavor) => {
    let sandbox: AtlassianSandbox;
    let t: TestApp;

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox({ jira: { deploymentType } });
      t = await appOn(sandbox, flavor);
    });
    afterAll(async () => {
      await t?.close();
      await sandbox?.stop();
    });

    it('counts committed, added and done work in points, and burns the points down', async () => {
      const keystone = await story(sandbox, 'Install keystone', 5);
      const glance = await story(sandbox, 'Install glance', 3);
      const docs = await story(sandbox, 'Write the runbook notes', null);
      const jiraSprint = await runningSprint(sandbox, 'Sprint 7', [keystone, glance, docs]);
      const id = await sprintId(t, jiraSprint);

      // Mid-sprint: keystone done, nova (8 points) pulled in.
      await markDone(sandbox, keystone);
      const nova = await story(sandbox, 'Install nova', 8);
      await jira(sandbox, 'POST', `/rest/agile/1.0/sprint/${jiraSprint}/issue`, { issues: [nova] });
      await t.app.get(SprintsService).refresh({ force: true });

      const answer = await request(t.app.getHttpServer()).get(`/api/v1/sprints/${id}/report`).set('Authorization', `Bearer ${ADMIN_TOKEN}`);
      expect(answer.status).toBe(200);
      const report = answer.body;
      expect(report.usesStoryPoints).toBe(true);
      expect(report.scope.committed).toEqual({ stories: 3, storyPoints: 8 });
      expect(report.scope.added).toEqual({ stories: 1, storyPoints: 8 });
      expect(report.scope.final).toEqual({ stories: 4, storyPoints: 16 });
      expect(report.scope.done).toEqual({ stories: 1, storyPoints: 5 });
      expect(report.scope.unestimatedStories).toBe(1);
      expect(report.burndown.current).toMatchObject({ remaining: 3, remainingPoints: 11 });
      expect(report.burndown.days[0]).toMatchObject({ remainingPoints: 8, idealPoints: 8 });
      expect(report.stories.find((line: { issueKey: string }) => line.issueKey === nova).storyPoints).toBe(8);
    });
  });

  it('counts stories, and says so, when the JIRA site has no story points field', async () => {
    const sandbox = await startAtlassianSandbox({ jira: { customFields: [] } });
    const t = await appOn(sandbox, 'cloud');
    try {
      const keys = [await story(sandbox, 'Install keystone', null), await story(sandbox, 'Install glance', null)];
      const jiraSprint = await runningSprint(sandbox, 'Sprint 8', keys);
      await markDone(sandbox, keys[0]);
      const report = await t.app.get(SprintReviewService).report(await sprintId(t, jiraSprint));
      expect(report.usesStoryPoints).toBe(false);
      expect(report.scope.committed).toEqual({ stories: 2, storyPoints: null });
      expect(report.scope.done).toEqual({ stories: 1, storyPoints: null });
      expect(report.burndown.current.remainingPoints).toBeNull();
    } finally {
      await t.close();
      await sandbox.stop();
    }
  });
});

import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { eventually, SCHEDULES_ON_DEMAND, type TestApp } from '../support/test-app.js';
import { atlassianEnv, deploy, labIssues, settled, startFlowApp } from '../integrations/flow-support.js';

describe('digest', () => {
  const ADMIN_TOKEN = 'digest-admin-token-0123456789abcdef';

  let lab: Lab;
  let sandbox: AtlassianSandbox;
  let t: TestApp;
  let url: string;

  /** What a person does in JIRA: plan and start a sprint on the board. */
  let sprintId: number;
  async function startTeamSprint(name: string): Promise<void> {
    const user = DEFAULT_USERS[0];
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${sandbox.jiraBaseUrl}${path}`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      return text ? JSON.parse(text) : undefined;
    };
    const { id } = await call('/rest/agile/1.0/sprint', { name, originBoardId: 1 });
    const now = Date.now();
    await call(`/rest/agile/1.0/sprint/${id}`, {
      state: 'active',
      startDate: new Date(now - 120_000).toISOString(),
      endDate: new Date(now + 14 * 86_400_000).toISOString(),
    });
    sprintId = id;
    asPerson = call;
  }
  let asPerson: (path: string, body: unknown) => Promise<unknown>;

  async function fire(key: string) {
    const fired = await fetch(`${url}/api/v1/schedules/${key}/run`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(fired.status).toBe(202);
    const { jobId } = (await fired.json()) as { jobId: string };
    return eventually(async () => {
      const found = await t.app.get(JobQueue).job('schedules', jobId);
      return found?.state === 'completed' || found?.state === 'failed' ? found : undefined;
    }, 120_000);
  }

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    sandbox = await startAtlassianSandbox();
    ({ t, url } = await startFlowApp(lab, {
      ...atlassianEnv(sandbox),
      JIRA_SPRINT_MODE: 'active',
      JIRA_POLL_INTERVAL_SECONDS: '3600',
      OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      ...SCHEDULES_ON_DEMAND,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  it('the daily scrum digest updates the "Daily scrum" page under the runbook root and comments on the sprint’s epics', async () => {
    await startTeamSprint('Platform sprint 7');
    const done = await deploy(t, ['base']);
    expect(done.status).toBe('succeeded');
    await settled(t, done.id);

    const fired = await fetch(`${url}/api/v1/schedules/daily-digest/run`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(fired.status).toBe(202);
    const { jobId } = (await fired.json()) as { jobId: string };
    const job = await eventually(async () => {
      const found = await t.app.get(JobQueue).job('schedules', jobId);
      return found?.state === 'completed' || found?.state === 'failed' ? found : undefined;
    }, 120_000);
    expect(job.returnvalue).toEqual(expect.objectContaining({ outcome: 'done' }));

    const stories = labIssues(sandbox).filter((i) => i.issueType === 'Story' && i.labels.includes('phase-base'));
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-base'))!;
    const pages = sandbox.confluence.pages();
    const root = pages.find((p) => p.title === 'lab — OpenStack runbook')!;
    const page = pages.find((p) => p.title === 'lab — Daily scrum');
    expect(page).toBeDefined();
    expect(page!.parentId).toBe(root.id);
    for (const story of stories) expect(page!.body).toContain(story.key);
    expect(page!.body).toContain(`Done since yesterday (${stories.length})`);
    expect(page!.body).toContain('Blocked (0)');
    // The window in the one timestamp format of the pages and the dashboard.
    expect(page!.body).toMatch(/From \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\./);

    const comment = epic.comments.at(-1)!.body;
    expect(comment).toMatch(/^\*Daily scrum — Platform sprint 7\*/);
    expect(comment).toContain(`*Done since yesterday* (${stories.length})`);
    for (const story of stories) expect(comment).toContain(story.key);
    expect(comment).toContain('[Daily scrum page|http');
    expect(job.returnvalue).toMatchObject({
      detail: [expect.objectContaining({ sprint: 'Platform sprint 7', epicsCommented: [epic.key] })],
    });
  });

  it('at the sprint’s end, the sprint-review schedule closes the JIRA sprint and publishes its review page', async () => {
    const early = await fire('sprint-review');
    expect(early.returnvalue).toMatchObject({ outcome: 'skipped', reason: 'no active sprint has reached its end' });
    // The team moves the end date to a minute ago.
    await asPerson(`/rest/agile/1.0/sprint/${sprintId}`, { endDate: new Date(Date.now() - 60_000).toISOString() });
    const job = await fire('sprint-review');
    expect(job.returnvalue).toMatchObject({
      outcome: 'done',
      detail: [expect.objectContaining({ sprint: 'Platform sprint 7', state: 'closed' })],
    });
    expect(sandbox.jira.state.sprints.find((s) => s.id === sprintId)?.state).toBe('closed');
    const review = sandbox.confluence.pages().find((p) => p.title === 'Platform sprint 7 review');
    expect(review).toBeDefined();
    expect((job.returnvalue as { detail: { review: string }[] }).detail[0].review).toContain(review!.id);
    // Once closed, the next firing has nothing to do.
    expect((await fire('sprint-review')).returnvalue).toMatchObject({ outcome: 'skipped' });
  });
});

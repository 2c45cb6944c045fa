import { jest } from '@jest/globals';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { eventually, type TestApp } from '../support/test-app.js';
import { atlassianEnv, deploy, labIssues, settled, startFlowApp } from '../integrations/flow-support.js';

jest.setTimeout(300_000);

const ADMIN_TOKEN = 'digest-admin-token-0123456789abcdef';

let lab: Lab;
let sandbox: AtlassianSandbox;
let t: TestApp;
let url: string;

/** What a person does in JIRA: plan and start a sprint on the board. */
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
    startDate: new Date(now - 60_000).toISOString(),
    endDate: new Date(now + 14 * 86_400_000).toISOString(),
  });
}

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
  sandbox = await startAtlassianSandbox();
  ({ t, url } = await startFlowApp(lab, {
    ...atlassianEnv(sandbox),
    JIRA_SPRINT_MODE: 'active',
    JIRA_POLL_INTERVAL_SECONDS: '3600',
    OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
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
  expect(job.returnvalue).toMatchObject({ outcome: 'done' });

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

  const comment = epic.comments.at(-1)!.body;
  expect(comment).toMatch(/^\*Daily scrum — Platform sprint 7\*/);
  expect(comment).toContain(`*Done since yesterday* (${stories.length})`);
  for (const story of stories) expect(comment).toContain(story.key);
  expect(comment).toContain('[Daily scrum page|http');
  expect(job.returnvalue).toMatchObject({ detail: [expect.objectContaining({ sprint: 'Platform sprint 7', epicsCommented: [epic.key] })] });
});

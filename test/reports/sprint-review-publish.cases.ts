/**
 * The sprint review end to end: lab deployments inside OpSprint's JIRA sprint (one failing, then
 * fixed by a retry, and a check-mode run that must not count), the sprint ended through the API,
 * and the "<sprint> review" page found in the Confluence sandbox with the right numbers and the
 * chart attachments, the JIRA sprint closed through the Agile API.
 */
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { SprintReviewService } from '../../src/reports/sprint-review.service.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { latest } from '../../lab/atlassian/confluence/store.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { phasePageTitle } from '../../src/integrations/confluence/pages/page-titles.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import { atlassianEnv, finished, labIssues, settled, startFlowApp } from '../integrations/flow-support.js';
import { eventually, type TestApp } from '../support/test-app.js';

describe('sprint-review-publish', () => {
  const ADMIN_TOKEN = 'sprint-review-admin-token-0123456789';
  const CONTROLLER = 'linux-node1.example.com';
  const baseStories = openstackLiberty.phases.find((phase) => phase.key === 'base')!.stories.length;
  /** Where people open the dashboard: the review page links each deployment there. */
  const PUBLIC_URL = 'https://opsprint.example.com/ops';
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

  let lab: Lab;
  let sandbox: AtlassianSandbox;
  let t: TestApp;
  let appUrl: string;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    sandbox = await startAtlassianSandbox();
    ({ t, url: appUrl } = await startFlowApp(lab, {
      ...atlassianEnv(sandbox),
      JIRA_SPRINT_MODE: 'new',
      JIRA_POLL_INTERVAL_SECONDS: '3600',
      OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
      PUBLIC_URL: PUBLIC_URL,
    }));
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  const api = async (method: string, path: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${appUrl}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: response.status, body: await response.json() };
  };
  const deployBase = (dryRun = false) =>
    t.app.get(DeploymentsService).create({ environment: 'lab', phases: ['base'], trigger: 'api', requester: 'sprint-review', dryRun });

  it('publishes the review of a sprint with the numbers of what ran, the charts, and closes the JIRA sprint', async () => {
    // The first attempt of setting the time zone fails on the controller; the retry succeeds.
    lab.faults.failCommand('timedatectl set-timezone', { node: CONTROLLER, exitCode: 7, stderr: 'No space left on device\n', times: 1 });
    const first = await deployBase();
    expect((await finished(t, first.id)).status).toBe('failed');
    await t.app.get(DeploymentsService).retry(first.id, 'sprint-review');
    expect((await finished(t, first.id)).status).toBe('succeeded');
    await settled(t, first.id);
    // The deployment detail says what the sites confirmed for the phase: its epic and stories, its page and version.
    const detail = (await api('GET', `/api/v1/deployments/${first.id}`)).body;
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-base'))!;
    const baseTitle = phasePageTitle('lab', openstackLiberty.phases.find((phase) => phase.key === 'base')!);
    const phasePage = sandbox.confluence.pages().find((p) => p.title === baseTitle)!;
    const base = detail.phaseRuns.find((phase: { phaseKey: string }) => phase.phaseKey === 'base');
    expect(base.jira).toMatchObject({ state: 'in_sync', epicKey: epic.key });
    expect(base.jira.stories).toHaveLength(baseStories);
    expect(base.confluence).toMatchObject({
      state: 'in_sync',
      version: sandbox.confluence.store.page(phasePage.id).versions.at(-1)!.number,
    });
    expect(base.confluence.pageUrl).toMatch(new RegExp(`(pageId=|/pages/)${phasePage.id}(\\D|$)`));
    const check = await deployBase(true);
    await finished(t, check.id);

    // OpSprint's sprint for the environment was created and started in JIRA by the first deployment's work.
    const jiraSprint = sandbox.jira.state.sprints.find((sprint) => sprint.name.startsWith('OpSprint lab '))!;
    expect(jiraSprint.state).toBe('active');
    const listed = await api('GET', '/api/v1/sprints');
    expect(listed.status).toBe(200);
    const sprint = listed.body.find((s: { jiraSprintId: number }) => s.jiraSprintId === jiraSprint.id);
    expect(sprint).toMatchObject({ source: 'jira', state: 'active', environment: 'lab', deployments: 2 });

    // The status follower records each story done when its phase finishes; wait until the report sees them all.
    const review = t.app.get(SprintReviewService);
    await eventually(async () => ((await review.report(sprint.id)).scope.done.stories === baseStories ? true : undefined), 30_000);

    const closed = await api('POST', `/api/v1/sprints/${sprint.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', reviewPageVersion: 1 });
    expect(jiraSprint.state).toBe('closed');

    const report = (await api('GET', `/api/v1/sprints/${sprint.id}/report`)).body;
    expect(report.scope.committed.stories).toBe(baseStories);
    expect(report.scope.done.stories).toBe(baseStories);
    expect(report.deployments.dryRunsExcluded).toBe(1);
    expect(report.deployments.list.map((line: { id: string }) => line.id)).toEqual([first.id]);
    expect(report.failures).toEqual([
      expect.objectContaining({ stepKey: 'timezone', node: CONTROLLER, exitCode: 7, firstErrorLine: 'No space left on device' }),
    ]);
    expect(report.retries).toEqual([expect.objectContaining({ stepKey: 'timezone', attempts: 2, failedAttempts: 1 })]);
    expect(report.dora.changeFailureRate).toMatchObject({ finishedDeployments: 1, failedDeployments: 1, rate: 1 });
    expect(report.dora.deploymentFrequency.successfulDeployments).toBe(1);

    // The page: under the lab's runbook root, with the same numbers, links to the JIRA issues and the charts.
    const page = sandbox.confluence.store.page(closed.body.reviewPageUrl.match(/pages\/(\d+)/)?.[1] ?? '');
    const root = sandbox.confluence.pages().find((p) => p.title === 'lab — OpenStack runbook')!;
    expect(page.parentId).toBe(root.id);
    const { title, body } = latest(page);
    expect(title).toBe(`${jiraSprint.name} review`);
    expect(body).toContain('100 % (1 of 1)');
    expect(body).toContain('1 check-mode run(s) not counted.');
    expect(body).toContain('No space left on device');
    // Times as everywhere else a person reads them: to the second, in UTC, said once per time.
    expect(body).toMatch(/as of \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC; check-mode runs are not counted\./);
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?!:)/);
    const chronyStory = labIssues(sandbox).find((i) => i.issueType === 'Story' && i.labels.includes('phase-base'))!;
    expect(body).toContain(`/browse/${chronyStory.key}`);
    expect(body).toContain(`<a href="${PUBLIC_URL}/dashboard/deployments/${first.id}">${first.id.slice(0, 8)}</a>`);
    expect(body).not.toContain(check.id);
    expect(body).toContain('<ri:attachment ri:filename="burndown.png"');
    expect(body).toContain('<ri:attachment ri:filename="phase-timeline.png"');
    const attachments = page.attachmentIds.map((id) => sandbox.confluence.store.attachments.get(id)!);
    expect(attachments.map((a) => a.title).sort()).toEqual(['burndown.png', 'phase-timeline.png']);
    for (const attachment of attachments) expect(attachment.versions.at(-1)!.data.subarray(0, 4)).toEqual(PNG);

    // Publishing again with nothing new changes nothing.
    const again = await api('POST', `/api/v1/sprints/${sprint.id}/publish`);
    expect(again.body).toMatchObject({ action: 'unchanged', version: 1, attachments: ['burndown.png', 'phase-timeline.png'] });
  });
});

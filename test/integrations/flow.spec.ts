import { jest } from '@jest/globals';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { JiraGateway } from '../../src/integrations/jira/jira.gateway.js';
import { JiraPollJob } from '../../src/integrations/jira/jira-poll.job.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { eventually, type TestApp } from '../support/test-app.js';
import { atlassianEnv, deploy, finished, getJson, labIssues, settled, startFlowApp, WEBHOOK_SECRET } from './flow-support.js';

jest.setTimeout(300_000);

const phaseKeys = openstackLiberty.phases.map((p) => p.key);
const storyCount = openstackLiberty.phases.reduce((n, p) => n + p.stories.length, 0);
const keystone = openstackLiberty.phases.find((p) => p.key === 'keystone')!;

let lab: Lab;
let sandbox: AtlassianSandbox;
let t: TestApp;
let appUrl: string;
let secrets: string[];

beforeAll(async () => {
  // The first instance is ACTIVE when booted: full-deployment.spec waits for it like on a real cloud.
  lab = await startLab({ computeNodes: 1, instanceBuildMs: 0 });
  sandbox = await startAtlassianSandbox();
  ({ t, url: appUrl } = await startFlowApp(lab, atlassianEnv(sandbox)));
  sandbox.jira.webhooks.register({ url: `${appUrl}/webhooks/jira`, secret: WEBHOOK_SECRET });
  const environment = await t.app.get(EnvironmentsService).loadForDeployment({ name: 'lab' });
  secrets = [...Object.values(environment.secrets), environment.sshPrivateKey].filter((s) => s.length > 0);
  expect(secrets.length).toBeGreaterThan(5);
});
afterAll(async () => {
  await t?.close();
  await sandbox?.stop();
  await lab?.stop();
});

/** Every text a JIRA user or a Confluence reader can see (all page versions, not just the latest). */
function everythingPublished(): string[] {
  const jira = labIssues(sandbox).flatMap((i) => [i.summary, i.description ?? '', ...i.comments.map((c) => c.body)]);
  const confluence = [...sandbox.confluence.store.pages.values()].flatMap((p) => p.versions.flatMap((v) => [v.title, v.body]));
  return [...jira, ...confluence];
}

const rootTitle = 'lab — OpenStack runbook';
const pageTree = () => {
  const pages = sandbox.confluence.pages();
  const roots = pages.filter((p) => p.title === rootTitle);
  return { roots, children: roots.length === 1 ? pages.filter((p) => p.parentId === roots[0].id) : [] };
};

describe('a deployment followed in JIRA and Confluence (lab nodes, Atlassian sandbox, real clients)', () => {
  let firstId: string;

  it('mirrors the runbook as epics and stories that end Done, and publishes the page tree with masked files and the verification tables', async () => {
    const health = await getJson(`${appUrl}/health`);
    expect(health.body.dependencies.jira).toMatchObject({ status: 'up' });
    expect(health.body.dependencies.confluence).toMatchObject({ status: 'up' });

    const done = await deploy(t);
    firstId = done.id;
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    const counts = await settled(t, done.id);
    expect({ jiraFailed: counts.jira.failed, confluenceFailed: counts.confluence.failed }).toEqual({ jiraFailed: 0, confluenceFailed: 0 });

    const issues = labIssues(sandbox);
    const epics = issues.filter((i) => i.issueType === 'Epic');
    const stories = issues.filter((i) => i.issueType === 'Story');
    expect(epics.map((e) => e.labels.find((l) => l.startsWith('phase-'))).sort()).toEqual(phaseKeys.map((k) => `phase-${k}`).sort());
    expect(stories).toHaveLength(storyCount);
    expect(stories.every((s) => s.parentKey && epics.some((e) => e.key === s.parentKey))).toBe(true);
    expect(issues.filter((i) => i.status !== 'Done').map((i) => `${i.key} ${i.summary}: ${i.status}`)).toEqual([]);
    // JIRA_BOARD_ID without an active sprint: the stories go into the OpSprint sprint of the day.
    expect(sandbox.jira.state.sprints).toHaveLength(1);
    expect([...sandbox.jira.state.sprints[0].issueKeys].sort()).toEqual(stories.map((s) => s.key).sort());

    const { roots, children } = pageTree();
    expect(roots).toHaveLength(1);
    expect(children.map((p) => p.title).sort()).toEqual(openstackLiberty.phases.map((p) => `lab — ${p.title}`).sort());
    const keystonePage = children.find((p) => p.title === `lab — ${keystone.title}`)!;
    expect(keystonePage.body).toContain('/etc/keystone/keystone.conf');
    expect(keystonePage.body).toMatch(/admin_token\s*=\s*\*{8}/);
    expect(keystonePage.body).toContain('openstack user list');
    expect(keystonePage.body).toMatch(/<td>(<p>)?admin(<\/p>)?<\/td>/);
    expect(keystonePage.body).toMatch(/<td>(<p>)?demo(<\/p>)?<\/td>/);

    const leaks = everythingPublished().filter((text) => secrets.some((s) => text.includes(s)));
    expect(leaks).toEqual([]);
  });

  it('publishes the same deployment again without touching a page', async () => {
    const before = versions();
    const jobId = await t.app.get(JobQueue).add('confluence:publish-deployment', {
      deploymentId: firstId,
      environmentId: (await t.db.prisma.deployment.findUniqueOrThrow({ where: { id: firstId } })).environmentId,
    });
    const job = await eventually(async () => {
      const found = await t.app.get(JobQueue).job('confluence', jobId);
      return found?.state === 'completed' ? found : undefined;
    });
    expect(job!.returnvalue).toMatchObject({ created: 0, updated: 0, unchanged: 1 + phaseKeys.length });
    expect((job!.returnvalue as { rootUrl: string }).rootUrl).toContain(sandbox.confluenceBaseUrl);
    expect((job!.returnvalue as { rootUrl: string }).rootUrl).toContain(pageTree().roots[0].id);
    expect(versions()).toEqual(before);
  });

  const versions = () => Object.fromEntries(sandbox.confluence.pages().map((p) => [p.id, p.version]));

  it('a second deployment of the unchanged runbook duplicates no issue and updates no page', async () => {
    const keysBefore = labIssues(sandbox)
      .map((i) => i.key)
      .sort();
    const pagesBefore = sandbox.confluence
      .pages()
      .map((p) => p.id)
      .sort();
    const versionsBefore = versions();
    const done = await deploy(t);
    expect(done.status).toBe('succeeded');
    await settled(t, done.id);
    expect(
      labIssues(sandbox)
        .map((i) => i.key)
        .sort(),
    ).toEqual(keysBefore);
    expect(labIssues(sandbox).filter((i) => i.status !== 'Done')).toEqual([]);
    expect(
      sandbox.confluence
        .pages()
        .map((p) => p.id)
        .sort(),
    ).toEqual(pagesBefore);
    expect(pageTree().children).toHaveLength(phaseKeys.length);
    // Every step found its host already right: no page gets a new version.
    expect(await t.db.prisma.stepRun.count({ where: { deploymentId: done.id, status: { not: 'ok' } } })).toBe(0);
    expect(versions()).toEqual(versionsBefore);
  });

  it('starts exactly one deployment for a signed "Ready to Deploy" webhook delivered three times', async () => {
    const gateway = new JiraGateway({
      baseUrl: new URL(sandbox.jiraBaseUrl),
      flavor: 'cloud',
      auth: { kind: 'basic', email: DEFAULT_USERS[0].email, apiToken: DEFAULT_USERS[0].apiToken },
    });
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-keystone'))!;
    const transition = (await gateway.listTransitions(epic.key)).find((tr) => tr.to.name === 'Ready to Deploy')!;
    const requestsBefore = sandbox.jira.requests.length;
    await gateway.transitionIssue(epic.key, transition.id);
    await sandbox.jira.webhooks.settled();
    const delivery = sandbox.jira.webhooks.deliveries.filter((d) => d.url.startsWith(appUrl)).at(-1)!;
    await sandbox.jira.webhooks.redeliver(delivery);
    await sandbox.jira.webhooks.redeliver(delivery);
    expect(delivery.outcome).toBe(202);

    const requested = await t.db.prisma.deployment.findMany({ where: { trigger: 'jira_webhook' } });
    expect(requested.map((d) => ({ phases: d.phases, requester: d.requester }))).toEqual([
      { phases: ['keystone'], requester: `jira:${DEFAULT_USERS[0].accountId} (${DEFAULT_USERS[0].displayName}) via ${epic.key}` },
    ]);
    const done = await finished(t, requested[0].id);
    expect(done.status).toBe('succeeded');
    await settled(t, done.id);
    expect(sandbox.jira.state.issues.get(epic.key)!.status).toBe('Done');
    // Everything was in place: the request epic goes back to Done and says so once; no other issue is written to.
    const writes = sandbox.jira.requests
      .slice(requestsBefore)
      .filter((r) => r.method !== 'GET' && !r.path.includes('/search'))
      .map((r) => `${r.method} ${r.path}`);
    expect(writes).toEqual([
      `POST /rest/api/2/issue/${epic.key}/transitions`, // the person's "Ready to Deploy"
      `POST /rest/api/2/issue/${epic.key}/transitions`,
      `POST /rest/api/2/issue/${epic.key}/comment`,
    ]);
    expect(sandbox.jira.state.issues.get(epic.key)!.comments.at(-1)!.body).toMatch(
      /found everything in place\*: \d+ steps checked, nothing changed/,
    );
  });

  it('rides out JIRA answering 503 and 429 for a while: the deployment is not held up and the updates land afterwards', async () => {
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-keystone'))!;
    const injectedBefore = sandbox.jira.faults.injected;
    // More 503s than one call's five attempts (the job's own retry may be needed too), then 429s with Retry-After.
    sandbox.jira.faults.serverErrors(6, 503);
    sandbox.jira.faults.rateLimit(2, 1);
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', phases: ['keystone'], trigger: 'api', requester: 'flow-test' });
    const done = await finished(t, created.id);
    expect(done.status).toBe('succeeded');
    const counts = await settled(t, done.id);
    expect(sandbox.jira.faults.injected - injectedBefore).toBe(8);
    expect(counts.jira.failed).toBe(0);
    const keystoneIssues = labIssues(sandbox).filter((i) => i.labels.includes('phase-keystone'));
    expect(keystoneIssues.filter((i) => i.status !== 'Done').map((i) => `${i.key}: ${i.status}`)).toEqual([]);
    expect(epic.status).toBe('Done');
  });

  it('shows JIRA and Confluence down in /health without making the service unhealthy', async () => {
    sandbox.jira.faults.serverErrors(1, 503);
    sandbox.confluence.faults.serverErrors(1, 503);
    const health = await getJson(`${appUrl}/health`);
    expect(health.status).toBe(200);
    expect(health.body.dependencies.jira).toMatchObject({ status: 'down', detail: expect.stringContaining('503') });
    expect(health.body.dependencies.confluence).toMatchObject({ status: 'down', detail: expect.stringContaining('503') });
    expect((await getJson(`${appUrl}/health`)).body.dependencies.jira.status).toBe('up');
  });

  it('blocks the story of a failing step with a comment carrying its exit code, and the deployment fails', async () => {
    lab.faults.failCommand('openstack user list', { exitCode: 3, times: 1 });
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', phases: ['keystone'], trigger: 'api', requester: 'flow-test' });
    const done = await finished(t, created.id);
    expect(done.status).toBe('failed');
    await settled(t, done.id);
    const failedStep = await t.db.prisma.stepRun.findFirstOrThrow({ where: { deploymentId: done.id, status: 'failed' } });
    expect(failedStep.exitCode).toBe(3);
    const story = labIssues(sandbox).find(
      (i) => i.issueType === 'Story' && i.labels.includes('phase-keystone') && i.labels.includes(`story-${failedStep.storyKey}`),
    )!;
    expect(story.status).toBe('Blocked');
    expect(story.comments.at(-1)!.body).toMatch(/exit code\W*3\b/i);
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-keystone'))!;
    expect(epic.status).toBe('Blocked');
    const leaks = everythingPublished().filter((text) => secrets.some((s) => text.includes(s)));
    expect(leaks).toEqual([]);
  });

  it('records a webhook that arrives while the environment is busy as refused with the 409 reason', async () => {
    const running = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', phases: ['keystone'], trigger: 'api', requester: 'flow-test' });
    const gateway = new JiraGateway({
      baseUrl: new URL(sandbox.jiraBaseUrl),
      flavor: 'cloud',
      auth: { kind: 'basic', email: DEFAULT_USERS[0].email, apiToken: DEFAULT_USERS[0].apiToken },
    });
    const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-keystone'))!;
    const transition = (await gateway.listTransitions(epic.key)).find((tr) => tr.to.name === 'Ready to Deploy')!;
    await gateway.transitionIssue(epic.key, transition.id);
    await sandbox.jira.webhooks.settled();
    const delivery = await t.db.prisma.webhookDelivery.findFirstOrThrow({
      where: { source: 'jira', outcome: { not: 'ignored' } },
      orderBy: { receivedAt: 'desc' },
    });
    expect(delivery).toMatchObject({ outcome: 'request_failed', deploymentId: null });
    expect(JSON.stringify(delivery.detail)).toContain(`409 conflict: environment lab already has an active deployment (${running.id}`);
    expect(await t.db.prisma.deployment.count({ where: { status: { in: ['queued', 'running'] } } })).toBe(1);
    await settled(t, running.id);
  });

  it('catches a trigger transition whose webhook never arrived with the scheduled JQL poll, once', async () => {
    const registrations = sandbox.jira.webhooks.registrations.splice(0); // JIRA "loses" the webhook
    try {
      const gateway = new JiraGateway({
        baseUrl: new URL(sandbox.jiraBaseUrl),
        flavor: 'cloud',
        auth: { kind: 'basic', email: DEFAULT_USERS[0].email, apiToken: DEFAULT_USERS[0].apiToken },
      });
      const epic = labIssues(sandbox).find((i) => i.issueType === 'Epic' && i.labels.includes('phase-keystone'))!;
      const transition = (await gateway.listTransitions(epic.key)).find((tr) => tr.to.name === 'Ready to Deploy')!;
      await gateway.transitionIssue(epic.key, transition.id);
      const poller = t.app.get(JiraPollJob, { strict: false });
      await poller.run();
      await poller.run();
      const polled = await t.db.prisma.deployment.findMany({ where: { trigger: 'jira_poll' } });
      expect(polled.map((d) => d.phases)).toEqual([['keystone']]);
      expect((await finished(t, polled[0].id)).status).toBe('succeeded');
      await settled(t, polled[0].id);
      expect(sandbox.jira.state.issues.get(epic.key)!.status).toBe('Done');
    } finally {
      sandbox.jira.webhooks.registrations.push(...registrations);
    }
  });
});

describe('the JIRA poll scheduler', () => {
  it('is put back when Redis lost it, and left alone while it is there', async () => {
    const queue = t.app.get(JobQueue);
    const poller = t.app.get(JiraPollJob, { strict: false });
    const present = await queue.scheduler('jira:poll', 'jira:poll');
    expect(present?.every).toBeGreaterThan(0);
    expect(await poller.restoreSchedulerIfLost()).toBe(false);
    expect((await queue.scheduler('jira:poll', 'jira:poll'))?.next).toBe(present?.next);

    await queue.unschedule('jira:poll', 'jira:poll');
    expect(await queue.scheduler('jira:poll', 'jira:poll')).toBeUndefined();
    expect(await poller.restoreSchedulerIfLost()).toBe(true);
    expect((await queue.scheduler('jira:poll', 'jira:poll'))?.every).toBe(present?.every);
  });
});

describe('without JIRA and Confluence settings', () => {
  it('lists both as off in /health, answers the webhook 503 and still deploys', async () => {
    const deployed = await t.app.get(EnvironmentsService).loadForDeployment({ name: 'lab' });
    const { t: plain, url } = await startFlowApp(lab, {}, { ...deployed.secrets });
    try {
      const health = await getJson(`${url}/health`);
      expect(health.status).toBe(200);
      expect(health.body.dependencies.jira).toEqual({ status: 'off', detail: 'JIRA_BASE_URL not set' });
      expect(health.body.dependencies.confluence).toEqual({ status: 'off', detail: 'CONFLUENCE_BASE_URL not set' });
      const webhook = await fetch(`${url}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(webhook.status).toBe(503);
      expect(((await webhook.json()) as { message: string }).message).toContain('JIRA_BASE_URL is not set');
      const done = await deploy(plain, ['keystone']);
      expect(done.status).toBe('succeeded');
      expect(plain.app.get(JobQueue).handledQueues).toEqual(['deployments', 'coordination', 'schedules']);
    } finally {
      await plain.close();
    }
  });
});

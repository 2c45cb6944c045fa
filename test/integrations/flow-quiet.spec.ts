import { jest } from '@jest/globals';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { JiraSprintLifecycle } from '../../src/integrations/jira/sprint-lifecycle.service.js';
import { jiraAsPerson } from '../support/jira-as-person.js';
import type { StoredIssue, StoredSprint } from '../../lab/atlassian/jira/jira-state.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import type { TestApp } from '../support/test-app.js';
import { atlassianEnv, deploy, finished, labIssues, settled, startFlowApp } from './flow-support.js';

jest.setTimeout(300_000);

const ADMIN_TOKEN = 'flow-quiet-admin-token-0123456789';
const CONTROLLER = 'linux-node1.example.com';
const storyCount = openstackLiberty.phases.reduce((n, p) => n + p.stories.length, 0);

let lab: Lab;
let sandbox: AtlassianSandbox;
let t: TestApp;
let appUrl: string;

/** What a person does in JIRA: plain REST calls as the sandbox user. */
const asPerson = (method: string, path: string, body?: unknown) => jiraAsPerson(sandbox, method, path, body);

/** A sprint the team plans and starts on the board, the way JIRA users do. */
async function startTeamSprint(name: string): Promise<StoredSprint> {
  const { id } = await asPerson('POST', '/rest/agile/1.0/sprint', { name, originBoardId: 1 });
  const now = Date.now();
  await asPerson('POST', `/rest/agile/1.0/sprint/${id}`, {
    state: 'active',
    startDate: new Date(now).toISOString(),
    endDate: new Date(now + 14 * 86_400_000).toISOString(),
  });
  return sandbox.jira.state.sprints.find((s) => s.id === id)!;
}

interface Recorded {
  method: string;
  path: string;
  body?: string;
}
const SEARCHES = ['/rest/api/2/search', '/rest/api/2/search/jql'];
/** A search is a POST that only reads. */
const isWrite = (r: Recorded) => r.method !== 'GET' && !SEARCHES.includes(r.path);

/** A full deployment, with the JIRA requests made from its creation until JIRA and Confluence are done with it. */
async function deployAndRecord(options: { dryRun?: boolean } = {}) {
  const before = sandbox.jira.requests.length;
  const done = options.dryRun
    ? await t.app
        .get(DeploymentsService)
        .create({ environment: 'lab', trigger: 'api', requester: 'flow-quiet', dryRun: true })
        .then((created) => finished(t, created.id))
    : await deploy(t);
  await settled(t, done.id);
  const requests: Recorded[] = sandbox.jira.requests.slice(before);
  return { done, requests, reads: requests.filter((r) => !isWrite(r)), writes: requests.filter(isWrite) };
}

const issue = (phaseKey: string, storyKey?: string): StoredIssue =>
  labIssues(sandbox).find((i) =>
    storyKey
      ? i.issueType === 'Story' && i.labels.includes(`phase-${phaseKey}`) && i.labels.includes(`story-${storyKey}`)
      : i.issueType === 'Epic' && i.labels.includes(`phase-${phaseKey}`),
  )!;
const pageVersions = () => Object.fromEntries(sandbox.confluence.pages().map((p) => [p.id, p.version]));
const describeWrite = (r: Recorded) => `${r.method} ${r.path}`;

beforeAll(async () => {
  // The first instance is ACTIVE when booted: full-deployment.spec waits for it like on a real cloud.
  lab = await startLab({ computeNodes: 1, instanceBuildMs: 0 });
  sandbox = await startAtlassianSandbox();
  ({ t, url: appUrl } = await startFlowApp(lab, {
    ...atlassianEnv(sandbox),
    JIRA_SPRINT_MODE: 'active',
    // No poll tick in the middle of a measurement: the poll's own search is not the deployment's.
    JIRA_POLL_INTERVAL_SECONDS: '3600',
    OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
  }));
});
afterAll(async () => {
  await t?.close();
  await sandbox?.stop();
  await lab?.stop();
});

describe('JIRA stays quiet when nothing changes (lab nodes, Atlassian sandbox, real jira-client)', () => {
  let sprintOne: StoredSprint;

  it('a first deployment ends every issue Done and puts its stories into the board’s active sprint, reading no issue one by one', async () => {
    sprintOne = await startTeamSprint('Platform sprint 1');
    const first = await deployAndRecord();
    expect(first.done.status).toBe('succeeded');
    const issues = labIssues(sandbox);
    expect(issues.filter((i) => i.status !== 'Done').map((i) => `${i.key} ${i.summary}: ${i.status}`)).toEqual([]);
    const stories = issues.filter((i) => i.issueType === 'Story');
    expect(stories).toHaveLength(storyCount);
    // A fresh lab: every story has work or moves, so all of them are in the sprint (and no epic).
    expect([...sprintOne.issueKeys].sort()).toEqual(stories.map((s) => s.key).sort());
    // Statuses come from the backlog sync's search, not from reading each issue.
    expect(first.reads.filter((r) => /^\/rest\/api\/2\/issue\/[^/]+$/.test(r.path))).toEqual([]);
    // No issue is transitioned more than twice (To Do → In Progress → Done).
    const transitions = new Map<string, number>();
    for (const r of first.writes.filter((w) => w.path.endsWith('/transitions')))
      transitions.set(r.path, (transitions.get(r.path) ?? 0) + 1);
    expect([...transitions.values()].every((n) => n <= 2)).toBe(true);
  });

  it('an unchanged second deployment makes no JIRA write and one read (the backlog search), and updates no page', async () => {
    const pagesBefore = pageVersions();
    const second = await deployAndRecord();
    expect(second.done.status).toBe('succeeded');
    expect(await t.db.prisma.stepRun.count({ where: { deploymentId: second.done.id, status: { not: 'ok' } } })).toBe(0);
    expect(second.writes.map(describeWrite)).toEqual([]);
    expect(second.reads.map(describeWrite)).toEqual(['POST /rest/api/2/search/jql']);
    expect(pageVersions()).toEqual(pagesBefore);
  });

  it('a Done story of a closed sprint is not moved into the next active sprint by an unchanged rerun', async () => {
    const storiesInSprintOne = [...sprintOne.issueKeys].sort();
    // The team ends sprint 1 (the sprints API does it with JiraSprintLifecycle) and starts sprint 2.
    await t.app.get(JiraSprintLifecycle, { strict: false }).close(sprintOne.id);
    expect(sprintOne.state).toBe('closed');
    const sprintTwo = await startTeamSprint('Platform sprint 2');

    const rerun = await deployAndRecord();
    expect(rerun.done.status).toBe('succeeded');
    expect(rerun.writes.map(describeWrite)).toEqual([]);
    expect(sprintTwo.issueKeys).toEqual([]);
    expect([...sprintOne.issueKeys].sort()).toEqual(storiesInSprintOne);
  });

  it('a config file changed on one node moves exactly its story and epic, reopened with a comment naming the step, the node and the file', async () => {
    const sprintTwo = sandbox.jira.state.sprints.find((s) => s.state === 'active')!;
    const story = issue('keystone', 'keystone-install');
    const epic = issue('keystone');
    const conf = '/etc/keystone/keystone.conf';
    const controller = lab.hosts.get(CONTROLLER)!;
    await controller.fs.writeFile(conf, `${await controller.fs.readFile(conf)}\n# debug = true, added by hand\n`);

    const changed = await deployAndRecord();
    expect(changed.done.status).toBe('succeeded');
    const changedSteps = await t.db.prisma.stepRun.findMany({ where: { deploymentId: changed.done.id, status: 'changed' } });
    expect(changedSteps.map((s) => `${s.node} ${s.storyKey}`)).toEqual([`${CONTROLLER} keystone-install`]);

    const writes = changed.writes.map(describeWrite).sort();
    expect(writes).toEqual(
      [
        `POST /rest/api/2/issue/${story.key}/comment`,
        `POST /rest/api/2/issue/${story.key}/transitions`,
        `POST /rest/api/2/issue/${story.key}/transitions`,
        `POST /rest/api/2/issue/${epic.key}/comment`,
        `POST /rest/api/2/issue/${epic.key}/transitions`,
        `POST /rest/api/2/issue/${epic.key}/transitions`,
        `POST /rest/agile/1.0/sprint/${sprintTwo.id}/issue`,
      ].sort(),
    );
    expect([story.status, epic.status]).toEqual(['Done', 'Done']);
    // The story had work: it joins the active sprint; the closed sprint keeps it in its history.
    expect(sprintTwo.issueKeys).toEqual([story.key]);
    const comment = story.comments.at(-1)!.body;
    expect(comment).toContain('Reopened by OpSprint');
    expect(comment).toContain(`on node {{${CONTROLLER}}}`);
    expect(comment).toContain(conf);
    expect(epic.comments.at(-1)!.body).toContain(story.key);
  });

  it('a dry run makes no JIRA request at all and updates no Confluence page; its result is in the API', async () => {
    const conf = '/etc/glance/glance-api.conf';
    const controller = lab.hosts.get(CONTROLLER)!;
    await controller.fs.writeFile(conf, `${await controller.fs.readFile(conf)}\n# hand edit\n`);
    const statusesBefore = labIssues(sandbox).map((i) => `${i.key} ${i.status} ${i.comments.length}`);
    const sprintsBefore = JSON.stringify(sandbox.jira.state.sprints);
    const pagesBefore = pageVersions();

    const dry = await deployAndRecord({ dryRun: true });
    expect(dry.done.status).toBe('succeeded');
    expect(dry.requests.map(describeWrite)).toEqual([]);
    expect(labIssues(sandbox).map((i) => `${i.key} ${i.status} ${i.comments.length}`)).toEqual(statusesBefore);
    expect(JSON.stringify(sandbox.jira.state.sprints)).toBe(sprintsBefore);
    expect(pageVersions()).toEqual(pagesBefore);

    const answer = await fetch(`${appUrl}/api/v1/deployments/${dry.done.id}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    const view = (await answer.json()) as {
      dryRun: boolean;
      phaseRuns: { phaseKey: string; steps: { storyKey: string; status: string }[] }[];
    };
    expect(view.dryRun).toBe(true);
    const wouldChange = view.phaseRuns.flatMap((p) =>
      p.steps.filter((s) => s.status === 'would_change').map((s) => `${p.phaseKey}/${s.storyKey}`),
    );
    expect(wouldChange).toEqual(['glance/glance-install']);
    expect(await controller.fs.readFile(conf)).toContain('# hand edit');
  });
});

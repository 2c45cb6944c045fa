import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { commandRunbook, CONTROLLER, createLabEnvironment } from '../engine/support/engine-fixtures.js';
import { atlassianEnv, settled } from '../integrations/flow-support.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { afterFault } from './support/fault-flow.js';

describe('atlassian-errors', () => {
  const LOG = '/var/tmp/atlassian-errors.log';
  const runbook = commandRunbook('atlassian-errors', [
    { key: 'first', steps: [`echo p1 >> ${LOG}`, `echo p2 >> ${LOG}`] },
    { key: 'second', dependsOn: ['first'], steps: [`echo q1 >> ${LOG}`] },
  ]);
  const FOREIGN_EDIT = '<p>A colleague saved this page in the middle of the publish.</p>';

  let sandbox: AtlassianSandbox;
  let lab: Lab;
  let t: TestApp;

  beforeAll(async () => {
    sandbox = await startAtlassianSandbox();
    lab = await startLab({ computeNodes: 1 });
    t = await startTestApp({ catalog: new Map([[runbook.key, runbook]]), env: atlassianEnv(sandbox) });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  async function deploy(environment: string) {
    await lab.hosts.get(CONTROLLER)!.fs.rm(LOG, { force: true });
    const created = await t.app.get(DeploymentsService).create({ environment, runbook: runbook.key, trigger: 'api', requester: 'test' });
    await settled(t, created.id);
    return afterFault(t.db.prisma, created.id, lab, LOG, sandbox, environment);
  }

  /** The environment's pages in the sandbox: title → latest version, every version number, latest body. */
  function pagesOf(environment: string) {
    return sandbox.confluence
      .pages()
      .filter((page) => page.title.startsWith(`${environment} — `))
      .map((page) => ({
        id: page.id,
        title: page.title.slice(environment.length + 3),
        version: page.version,
        versions: sandbox.confluence.store.page(page.id).versions.map((v) => v.number),
        body: page.body,
      }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  /** What JIRA shows of the environment's issues: status and number of comments, by summary. */
  function jiraOf(environment: string) {
    const issues = [...sandbox.jira.state.issues.values()].filter((issue) => issue.labels.includes(`env-${environment}`));
    return Object.fromEntries(issues.map((issue) => [issue.summary, { status: issue.status, comments: issue.comments.length }]));
  }

  const EXPECTED = {
    deployment: { status: 'succeeded', error: null },
    steps: [
      ['first-s1', 'changed', 1],
      ['first-s2', 'changed', 1],
      ['second-s1', 'changed', 1],
    ],
    hostLog: ['p1', 'p2', 'q1'],
  };

  describe('Confluence answering 409 and 5xx, and JIRA 5xx, while a deployment is published', () => {
    it('ends with the same pages, versions in order and recorded, and the same JIRA state as without the errors', async () => {
      // The same two deployments on two environments: "calm" sees no error, "stormy" sees them all during its second.
      for (const name of ['calm', 'stormy']) await createLabEnvironment(t, lab, { name });
      expect(await deploy('calm')).toMatchObject(EXPECTED);
      expect(await deploy('calm')).toMatchObject(EXPECTED);
      expect(await deploy('stormy')).toMatchObject(EXPECTED);

      // The next page update meets a concurrent edit (409), then every Confluence and JIRA call fails for a while.
      sandbox.confluence.faults.conflictOnNextUpdate({ foreignEdit: FOREIGN_EDIT });
      sandbox.confluence.faults.serverErrors(4, 503);
      sandbox.confluence.faults.serverErrors(2, 500, /^\/wiki\/rest\/api\/content/);
      const jiraErrorsBefore = sandbox.jira.faults.injected;
      sandbox.jira.faults.serverErrors(4, 502);
      const after = await deploy('stormy');

      // Every fault was met: the errors happened during this deployment's publishing.
      expect(sandbox.confluence.faults.pending()).toBe(0);
      expect(sandbox.jira.faults.injected - jiraErrorsBefore).toBe(4);
      const foreignEdited = sandbox.confluence
        .pages()
        .filter((page) => sandbox.confluence.store.page(page.id).versions.some((v) => v.body === FOREIGN_EDIT));
      expect(foreignEdited).toHaveLength(1);

      // The deployment did not notice.
      expect(after).toMatchObject(EXPECTED);

      // The same page tree, each title once; every page's versions run 1..n without a gap, the latest is
      // OpSprint's (not the colleague's edit), and OpSprint's record of each page has Confluence's version.
      const calm = pagesOf('calm');
      const stormy = pagesOf('stormy');
      expect(stormy.map((page) => page.title)).toEqual(calm.map((page) => page.title));
      expect(new Set(stormy.map((page) => page.title)).size).toBe(stormy.length);
      const recorded = await t.db.prisma.confluencePage.findMany({ where: { environment: { name: 'stormy' } } });
      for (const page of stormy) {
        expect(page.versions).toEqual(Array.from({ length: page.version }, (_, i) => i + 1));
        expect(page.body).not.toContain('A colleague saved this page');
        expect(recorded.find((row) => row.pageId === page.id)?.version).toBe(page.version);
      }
      // The latest content is what the calm twin shows (its name, ids, issue keys, times and durations aside):
      // how many versions a page has depends on how publishes coalesce, what it ends with does not.
      const normalise = (body: string, environment: string) =>
        body
          .replaceAll(environment, 'ENV')
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
          .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?(\.\d+)?Z?( UTC)?/g, 'TIME')
          .replace(/\bOPS-\d+\b/g, 'OPS-N')
          .replace(/\b\d+(\.\d+)? (ms|s|min)\b/g, 'DURATION');
      expect(stormy.map((page) => normalise(page.body, 'stormy'))).toEqual(calm.map((page) => normalise(page.body, 'calm')));

      // JIRA: every issue in the same status with the same comments: no event was lost or applied twice.
      expect(jiraOf('stormy')).toEqual(jiraOf('calm'));
      expect(after.jira).toMatchObject({
        'phase first': 'Done',
        'story of first': 'Done',
        'phase second': 'Done',
        'story of second': 'Done',
      });
    }, 90_000);
  });
});

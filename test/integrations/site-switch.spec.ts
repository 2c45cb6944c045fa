import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { JiraBacklogSync } from '../../src/integrations/jira/backlog-sync.service.js';
import { ConfluenceGateway } from '../../src/integrations/confluence/confluence.gateway.js';
import { ConfluencePublisher } from '../../src/integrations/confluence/publisher.service.js';
import { ConfluencePageRepository } from '../../src/persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../../src/persistence/repositories/deployment.repository.js';
import { JiraLinkRepository } from '../../src/persistence/repositories/jira-link.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { SECRETS, seedDeployment } from '../confluence/fixtures/deployment.js';
import { runbookFixture } from '../confluence/fixtures/runbook.js';
import { sandboxGateway } from './jira/jira-fixtures.js';

/**
 * One environment pointed at another JIRA and Confluence site: what OpSprint remembered about
 * the first site (issue keys, page ids) means nothing on the second. Both sandboxes number their
 * issues from OPS-1, so a key carried over would even open, on the wrong issue.
 */
describe('switching an environment to another Atlassian site', () => {
  let db: TestDatabase;
  let first: AtlassianSandbox;
  let second: AtlassianSandbox;
  let deploymentId: string;
  let environment: { id: string; name: string };
  const user = DEFAULT_USERS[0];

  const site = (sandbox: AtlassianSandbox) => {
    const links = new JiraLinkRepository(db.prisma);
    const backlog = new JiraBacklogSync(links, sandboxGateway(sandbox), { projectKey: 'OPS', epicLinkField: null });
    const gateway = new ConfluenceGateway(
      { baseUrl: sandbox.confluenceBaseUrl, username: user.email, password: user.apiToken },
      { baseDelayMs: 5, maxDelayMs: 20 },
    );
    const publisher = new ConfluencePublisher(
      new DeploymentRepository(db.prisma),
      new ConfluencePageRepository(db.prisma),
      links,
      gateway,
      { spaceKey: 'OPS' },
      { runbooks: [runbookFixture], jiraBaseUrl: sandbox.jiraBaseUrl, jiraProjectKey: 'OPS', label: 'opsprint' },
    );
    return { backlog, publisher };
  };
  const labIssues = (sandbox: AtlassianSandbox) => [...sandbox.jira.state.issues.values()].filter((i) => i.labels.includes('env-lab'));

  beforeAll(async () => {
    db = await createTestDatabase();
    first = await startAtlassianSandbox();
    second = await startAtlassianSandbox();
    // Both sandboxes hand out OPS-1, OPS-2…: make the second one's keys differ from the first's at the same entity.
    await sandboxGateway(second).createIssue({ project: { key: 'OPS' }, summary: 'someone else’s issue', issuetype: { name: 'Task' } });
    ({ deploymentId, environmentId: environment } = await seedDeployment(db.prisma, { environment: 'lab' }).then((seeded) => ({
      deploymentId: seeded.deploymentId,
      environmentId: { id: seeded.environmentId, name: 'lab' },
    })));
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await db?.drop();
  });

  it('creates the issues and pages on the new site and shows only keys and URLs that site confirmed', async () => {
    const a = site(first);
    const onFirst = await a.backlog.sync(environment, runbookFixture);
    await a.publisher.publishDeployment(deploymentId, { secrets: SECRETS });
    expect(labIssues(first).length).toBeGreaterThan(0);

    const b = site(second);
    const onSecond = await b.backlog.sync(environment, runbookFixture);
    // Everything created afresh on the second site, nothing looked up there by a first-site key.
    expect(onSecond.created.sort()).toEqual(
      labIssues(second)
        .map((i) => i.key)
        .sort(),
    );
    expect(onSecond.updated).toEqual([]);
    expect(second.jira.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/rest/api/2/issue/'))).toEqual([]);
    for (const [phase, key] of Object.entries(onSecond.epics)) {
      const issue = second.jira.state.issues.get(key)!;
      expect(issue.labels).toEqual(expect.arrayContaining(['env-lab', `phase-${phase}`]));
      expect(key).not.toBe(onFirst.epics[phase]);
    }

    const published = await b.publisher.publishDeployment(deploymentId, { secrets: SECRETS });
    expect(published.pages.map((p) => p.action)).toEqual(published.pages.map(() => 'created'));
    expect(published.rootUrl.startsWith(second.confluenceBaseUrl)).toBe(true);
    const keystonePage = second.confluence.pages().find((p) => p.title === 'lab — Keystone identity service')!;
    const body = keystonePage.body;
    expect(body).toContain(`${second.jiraBaseUrl}/browse/${onSecond.epics.keystone}`);
    expect(body).not.toContain(first.jiraBaseUrl);
    expect(body).not.toContain(`/browse/${onFirst.epics.keystone}"`);

    // The first site's rows stay for the first site: switching back finds everything in place.
    const back = await a.backlog.sync(environment, runbookFixture);
    expect(back.created).toEqual([]);
    expect(back.epics).toEqual(onFirst.epics);
  });

  it('recreates an issue or a page that is gone from the site instead of trusting the row', async () => {
    const b = site(second);
    const before = await b.backlog.sync(environment, runbookFixture);
    second.jira.state.issues.delete(before.epics.keystone);
    const after = await b.backlog.sync(environment, runbookFixture);
    expect(after.epics.keystone).not.toBe(before.epics.keystone);
    expect(second.jira.state.issues.get(after.epics.keystone)?.labels).toContain('phase-keystone');
    expect(after.warnings.join('\n')).toContain(`${before.epics.keystone} (keystone) no longer exists in JIRA`);

    const root = second.confluence.pages().find((p) => p.title === 'lab — OpenStack runbook')!;
    second.confluence.store.deletePage(root.id);
    const republished = await b.publisher.publishDeployment(deploymentId, { secrets: SECRETS });
    expect(republished.pages[0]).toMatchObject({ key: 'root', action: 'created' });
    expect(republished.pages[0].pageId).not.toBe(root.id);
  });
});

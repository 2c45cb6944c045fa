import { ConfluencePageRepository } from '../../src/persistence/repositories/confluence-page.repository.js';
import { DeploymentRepository } from '../../src/persistence/repositories/deployment.repository.js';
import { JiraLinkRepository } from '../../src/persistence/repositories/jira-link.repository.js';
import { ConfluenceGateway } from '../../src/integrations/confluence/confluence.gateway.js';
import { ConfluencePublisher } from '../../src/integrations/confluence/publisher.service.js';
import { SecretLeakError } from '../../src/integrations/confluence/publisher/secret-guard.js';
import { type RunningConfluenceSandbox, type SandboxPage, startConfluenceSandbox } from '../../lab/atlassian/confluence/index.js';
import {
  attributesOf,
  childrenOf,
  findAll,
  macroParameters,
  parseStorage,
  tableRows,
  textOf,
} from '../../lab/atlassian/confluence/storage-xml.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';
import {
  ADMIN_OPENRC,
  GLANCE_API_CONF,
  KEYSTONE_CONF,
  KEYSTONE_DB_SYNC_GUARD,
  SECRETS,
  WSGI_CONF,
  seedDeployment,
} from './fixtures/deployment.js';
import { runbookFixture } from './fixtures/runbook.js';

describe('publisher', () => {
  const USER = { username: 'opsprint@example.com', password: 'sandbox-api-token' };

  describe('ConfluencePublisher: a deployment published to the Confluence sandbox', () => {
    let db: TestDatabase;
    let sandbox: RunningConfluenceSandbox;
    let publisher: ConfluencePublisher;

    const page = (title: string): SandboxPage => {
      const found = sandbox.pages().find((candidate) => candidate.title === title);
      if (!found) throw new Error(`no page "${title}" in the sandbox`);
      return found;
    };
    const codeBlocks = (body: string) =>
      findAll(parseStorage(body), 'ac:structured-macro')
        .filter((macro) => attributesOf(macro)['ac:name'] === 'code')
        .map(
          (macro): Record<string, string> => ({
            ...macroParameters(macro),
            body: textOf(findAll(childrenOf(macro), 'ac:plain-text-body')),
          }),
        );
    const tables = (body: string) => findAll(parseStorage(body), 'table').map(tableRows);
    const lozenges = (body: string) =>
      findAll(parseStorage(body), 'ac:structured-macro')
        .filter((macro) => attributesOf(macro)['ac:name'] === 'status')
        .map((macro) => macroParameters(macro));

    beforeAll(async () => {
      db = await createTestDatabase();
      sandbox = await startConfluenceSandbox({ users: [USER], spaces: ['OPS'] });
      const gateway = new ConfluenceGateway({ baseUrl: sandbox.baseUrl, ...USER, spaceKey: 'OPS' }, { baseDelayMs: 5, maxDelayMs: 20 });
      publisher = new ConfluencePublisher(
        new DeploymentRepository(db.prisma),
        new ConfluencePageRepository(db.prisma),
        new JiraLinkRepository(db.prisma),
        gateway,
        { spaceKey: 'OPS' },
        { runbooks: [runbookFixture], jiraBaseUrl: 'https://example.atlassian.net', jiraProjectKey: 'OPS', label: 'opsprint' },
      );
    });
    afterAll(async () => {
      await sandbox?.close();
      await db?.drop();
    });
    afterEach(() => sandbox.faults.clear());

    it('publishes the root page under the space home and one page per phase under the root', async () => {
      const { deploymentId, environmentId } = await seedDeployment(db.prisma, { environment: 'lab' });
      const result = await publisher.publishDeployment(deploymentId, { secrets: SECRETS });

      expect(result.pages.map(({ key, title, action }) => ({ key, title, action }))).toEqual([
        { key: 'root', title: 'lab — OpenStack runbook', action: 'created' },
        { key: 'phase:keystone', title: 'lab — Keystone identity service', action: 'created' },
        { key: 'phase:glance', title: 'lab — Glance image service', action: 'created' },
      ]);
      const root = page('lab — OpenStack runbook');
      expect(root.parentId).toBe(sandbox.spaceHomePageId('OPS'));
      expect(page('lab — Keystone identity service').parentId).toBe(root.id);
      expect(page('lab — Glance image service').parentId).toBe(root.id);
      expect(root.labels).toEqual(['opsprint']);
      expect(result.rootUrl).toBe(`${sandbox.baseUrl}/spaces/OPS/pages/${root.id}/lab+%E2%80%94+OpenStack+runbook`);
      // The printed address opens for a person, without a login.
      expect(await (await fetch(result.rootUrl!)).text()).toContain('<h1>lab — OpenStack runbook</h1>');

      const rows = await db.prisma.confluencePage.findMany({ where: { environmentId }, orderBy: { key: 'asc' } });
      expect(rows.map(({ key, pageId, version }) => ({ key, pageId, version }))).toEqual([
        { key: 'phase:glance', pageId: page('lab — Glance image service').id, version: 1 },
        { key: 'phase:keystone', pageId: page('lab — Keystone identity service').id, version: 1 },
        { key: 'root', pageId: root.id, version: 1 },
      ]);
    });

    it('puts every rendered config file, the commands and the verification tables on the phase page', () => {
      const body = page('lab — Keystone identity service').body;
      const blocks = codeBlocks(body);
      expect(blocks).toEqual(
        expect.arrayContaining([
          { language: 'ini', title: '/etc/keystone/keystone.conf', body: KEYSTONE_CONF },
          { language: 'apache', title: '/etc/httpd/conf.d/wsgi-keystone.conf', body: WSGI_CONF },
          { language: 'bash', title: '/root/admin-openrc.sh', body: ADMIN_OPENRC },
          {
            language: 'bash',
            title: 'Command — ran on linux-node1.example.com',
            body: 'su -s /bin/sh -c "keystone-manage db_sync" keystone',
          },
        ]),
      );
      // The guard (the probe that finds the step already done) is labelled apart from the command, just before it.
      const guardAt = blocks.findIndex((block) => block.title === 'Guard — ran on linux-node1.example.com');
      expect(blocks[guardAt]).toEqual({ language: 'bash', title: 'Guard — ran on linux-node1.example.com', body: KEYSTONE_DB_SYNC_GUARD });
      expect(blocks[guardAt + 1]?.body).toBe('su -s /bin/sh -c "keystone-manage db_sync" keystone');
      expect(blocks.filter((block) => String(block.title).startsWith('Ran on'))).toEqual([]);
      const userList = tables(body).find((rows) => rows[0]?.join('|') === 'ID|Name');
      expect(
        userList
          ?.slice(1)
          .map((row) => row[1])
          .sort(),
      ).toEqual(['admin', 'demo']);
      // Under the verification table: what the verify step checked and each outcome, text escaped.
      const all = tables(body);
      const checked = all[all.findIndex((rows) => rows[0]?.join('|') === 'ID|Name') + 1];
      expect(checked).toEqual([
        ['Expectation', 'Expected', 'Actual', 'Result'],
        ['the admin user exists', 'a row with Name = "admin"', 'found [ID="beaa5b94", Name="admin"]', 'pass'],
        ['expected at least 2 rows', 'at least 2 rows', 'found 2 rows <& "quoted">', 'pass'],
      ]);
      expect(body).toContain('found 2 rows &lt;&amp; ');

      const text = textOf(parseStorage(body));
      expect(text).toContain('As an operator I want the admin and demo users so that I can administer and test the cloud.');
      expect(text).toContain('Keystone answers on ports 5000 and 35357');
      const links = findAll(parseStorage(body), 'a').map((anchor) => attributesOf(anchor).href);
      expect(links).toEqual(
        expect.arrayContaining(['https://example.atlassian.net/browse/OPS-1', 'https://example.atlassian.net/browse/OPS-3']),
      );

      const timings = tables(body).find((rows) => rows[0]?.[0] === 'Node' && rows[0]?.includes('Exit code'))!;
      // The status cell holds a lozenge macro: its text is the colour and title parameters.
      expect(timings.find((row) => row[2] === 'Install Keystone packages')).toEqual([
        'linux-node1.example.com',
        'Install and configure Keystone',
        'Install Keystone packages',
        'BlueChanged',
        '0',
        '2026-11-27 02:00:00 UTC',
        '41 s',
      ]);

      const glance = page('lab — Glance image service').body;
      expect(codeBlocks(glance)).toContainEqual({ language: 'ini', title: '/etc/glance/glance-api.conf', body: GLANCE_API_CONF });
      expect(tables(glance).some((rows) => rows.some((row) => row.includes('cirros')))).toBe(true);
    });

    it('shows inventory, phase status lozenges and epic links on the root page', () => {
      const body = page('lab — OpenStack runbook').body;
      const [inventory, phases] = tables(body);
      expect(inventory).toEqual([
        ['Node', 'Roles', 'Management IP'],
        ['linux-node1.example.com', 'controller', '192.168.56.11'],
        ['linux-node2.example.com', 'compute', '192.168.56.12'],
      ]);
      expect(phases!.slice(1).map((row) => [row[1], row[3]])).toEqual([
        ['Keystone identity service', 'OPS-1'],
        ['Glance image service', 'OPS-5'],
        ['Nova compute service (controller)', '—'],
      ]);
      expect(lozenges(body).slice(0, 3)).toEqual([
        { colour: 'Green', title: 'Done' },
        { colour: 'Green', title: 'Done' },
        { colour: 'Grey', title: 'Not run' },
      ]);
      const pageLinks = findAll(parseStorage(body), 'ri:page').map((link) => attributesOf(link)['ri:content-title']);
      expect(pageLinks).toEqual(['lab — Keystone identity service', 'lab — Glance image service']);
    });

    it('updates nothing when republishing unchanged data, even when the page rows were lost', async () => {
      const deployment = await db.prisma.deployment.findFirstOrThrow({ where: { environment: { name: 'lab' } } });
      const before = sandbox.requests.length;
      const again = await publisher.publishDeployment(deployment.id, { secrets: SECRETS });
      expect(again.pages.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);

      const rowsOf = () =>
        db.prisma.confluencePage.findMany({
          where: { environment: { name: 'lab' } },
          orderBy: { key: 'asc' },
          select: { key: true, pageId: true, version: true, contentHash: true, publishedAt: true },
        });
      const rows = await rowsOf();
      await db.prisma.confluencePage.deleteMany({ where: { environment: { name: 'lab' } } });
      const found = await publisher.publishDeployment(deployment.id, { secrets: SECRETS });
      expect(found.pages.map((p) => p.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
      // The lost rows are written again, as they were (a page found unchanged keeps its publishedAt only with its row).
      expect((await rowsOf()).map(({ publishedAt, ...row }) => row)).toEqual(rows.map(({ publishedAt, ...row }) => row));

      const writes = sandbox.requests.slice(before).filter((r) => r.method !== 'GET');
      expect(writes).toEqual([]);
      expect(
        sandbox
          .pages()
          .filter((p) => p.title.startsWith('lab —'))
          .map((p) => p.version),
      ).toEqual([1, 1, 1]);
    });

    it('after one phase, publishes only the root and that phase’s page; the deployment’s end publishes the rest', async () => {
      const { deploymentId } = await seedDeployment(db.prisma, { environment: 'one-phase' });
      const afterGlance = await publisher.publishDeployment(deploymentId, { secrets: SECRETS, phaseKey: 'glance' });
      expect(afterGlance.pages.map(({ key, action }) => ({ key, action }))).toEqual([
        { key: 'root', action: 'created' },
        { key: 'phase:glance', action: 'created' },
      ]);
      expect(
        sandbox
          .pages()
          .filter((p) => p.title.startsWith('one-phase —'))
          .map((p) => p.title),
      ).not.toContain('one-phase — Keystone identity service');

      const atEnd = await publisher.publishDeployment(deploymentId, { secrets: SECRETS });
      expect(atEnd.pages.map(({ key, action }) => ({ key, action }))).toEqual([
        { key: 'root', action: 'unchanged' },
        { key: 'phase:keystone', action: 'created' },
        { key: 'phase:glance', action: 'unchanged' },
      ]);
    });

    it('ends a 409 during an update with exactly one new version holding the new content', async () => {
      const deployment = await db.prisma.deployment.findFirstOrThrow({ where: { environment: { name: 'lab' } } });
      await db.prisma.deployment.update({ where: { id: deployment.id }, data: { requester: 'bob@example.com' } });
      sandbox.faults.conflictOnNextUpdate();

      const result = await publisher.publishDeployment(deployment.id, { secrets: SECRETS });
      // Only the root page shows who requested the deployment.
      expect(result.pages.map((p) => p.action)).toEqual(['updated', 'unchanged', 'unchanged']);
      const root = page('lab — OpenStack runbook');
      expect(root.version).toBe(2);
      expect(sandbox.store.page(root.id).versions.map((v) => v.number)).toEqual([1, 2]);
      expect(tables(root.body).some((rows) => rows.some((row) => row.join('|') === 'Requested by|bob@example.com'))).toBe(true);
      const puts = sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/content/${root.id}`));
      expect(puts.map((r) => r.status)).toEqual([409, 200]);
      expect((await db.prisma.confluencePage.findFirstOrThrow({ where: { pageId: root.id } })).version).toBe(2);
    });

    it('never puts a secret value on a page, and refuses to publish when one would appear', async () => {
      const bodies = sandbox
        .pages()
        .map((p) => p.body)
        .join('\n');
      for (const value of Object.values(SECRETS)) expect(bodies).not.toContain(value);
      expect(bodies).toContain('********');

      const deployment = await db.prisma.deployment.findFirstOrThrow({ where: { environment: { name: 'lab' } } });
      const file = await db.prisma.artifact.findFirstOrThrow({
        where: { deploymentId: deployment.id, name: '/etc/glance/glance-api.conf' },
      });
      await db.prisma.artifact.update({
        where: { id: file.id },
        data: { content: GLANCE_API_CONF.replace('glance:********', `glance:${SECRETS.GLANCE_DBPASS}`) },
      });
      const versions = sandbox.pages().map((p) => p.version);

      const error = await publisher.publishDeployment(deployment.id, { secrets: SECRETS }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretLeakError);
      expect((error as Error).message).toContain('GLANCE_DBPASS');
      expect((error as Error).message).not.toContain(SECRETS.GLANCE_DBPASS);
      expect(sandbox.pages().map((p) => p.version)).toEqual(versions);
      await db.prisma.artifact.update({ where: { id: file.id }, data: { content: GLANCE_API_CONF } });
    });

    it('publishes through rate limits and a 5xx burst, and shows a failed phase with its output tail', async () => {
      const { deploymentId } = await seedDeployment(db.prisma, { environment: 'staging', failGlance: true });
      sandbox.faults.rateLimit(2, 0);
      sandbox.faults.serverErrors(2, 503);
      const result = await publisher.publishDeployment(deploymentId, { secrets: SECRETS });
      expect(result.pages.map((p) => p.action)).toEqual(['created', 'created', 'created']);
      expect(sandbox.requests.filter((r) => r.status === 429 || r.status === 503)).toHaveLength(4);
      expect(sandbox.pages().filter((p) => p.title.startsWith('staging —'))).toHaveLength(3);

      const glance = page('staging — Glance image service').body;
      const warnings = findAll(parseStorage(glance), 'ac:structured-macro').filter((macro) => attributesOf(macro)['ac:name'] === 'warning');
      expect(warnings).toHaveLength(1);
      expect(macroParameters(warnings[0]!).title).toBe('Failed: glance image-list on linux-node1.example.com');
      expect(textOf(warnings[0]!)).toContain('Error: <html>503 Service Unavailable</html> & retry later');
      expect(lozenges(page('staging — OpenStack runbook').body).slice(0, 2)).toEqual([
        { colour: 'Green', title: 'Done' },
        { colour: 'Red', title: 'Failed' },
      ]);
    });

    it('puts the root page under CONFLUENCE_PARENT_PAGE_ID when one is configured', async () => {
      const gateway = new ConfluenceGateway({ baseUrl: sandbox.baseUrl, ...USER, spaceKey: 'OPS' }, { baseDelayMs: 5 });
      const parent = await gateway.createPage('OPS', 'Private clouds', '<p>All our environments.</p>');
      const nested = new ConfluencePublisher(
        new DeploymentRepository(db.prisma),
        new ConfluencePageRepository(db.prisma),
        new JiraLinkRepository(db.prisma),
        gateway,
        { spaceKey: 'OPS', parentPageId: parent.id },
        { runbooks: [runbookFixture] },
      );
      const { deploymentId } = await seedDeployment(db.prisma, { environment: 'prod' });
      await nested.publishDeployment(deploymentId);
      expect(page('prod — OpenStack runbook').parentId).toBe(parent.id);
      expect(page('prod — Glance image service').parentId).toBe(page('prod — OpenStack runbook').id);
    });

    it('renders the published pages readably in the sandbox HTML view', async () => {
      const auth = { authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}` };
      const index = await (await fetch(`${sandbox.baseUrl}/view/`, { headers: auth })).text();
      expect(index).toContain('lab — Keystone identity service');
      const keystone = page('lab — Keystone identity service');
      const html = await (await fetch(`${sandbox.baseUrl}/view/${keystone.id}`, { headers: auth })).text();
      expect(html).toContain('connection = mysql://keystone:********@192.168.56.11/keystone');
      expect(html).toContain('&lt;VirtualHost *:5000&gt;');
      expect(html).not.toContain('<VirtualHost');
      expect(html).toMatch(/<span class="lozenge"[^>]*>CHANGED<\/span>/);
      const rootHtml = await (await fetch(`${sandbox.baseUrl}/view/${page('lab — OpenStack runbook').id}`, { headers: auth })).text();
      expect(rootHtml).toContain(`<a href="/wiki/view/${keystone.id}">Keystone identity service</a>`);
    });
  });
});

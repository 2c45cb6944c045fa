import { ConfluenceConflictError, ConfluenceHttpError } from '../../src/integrations/confluence/confluence-http-error.js';
import { ConfluenceGateway, cqlString } from '../../src/integrations/confluence/confluence.gateway.js';
import { sha256 } from '../../src/integrations/confluence/content-hash.js';
import { type RunningConfluenceSandbox, startConfluenceSandbox } from '../../lab/atlassian/confluence/index.js';

describe('gateway', () => {
  const USER = { username: 'opsprint@example.com', password: 'tok-en&with:odd"chars' };

  describe('ConfluenceGateway against the Confluence sandbox (confluence-api over HTTP)', () => {
    let sandbox: RunningConfluenceSandbox;
    let gateway: ConfluenceGateway;
    /** The waits the retry policy chose, in order. */
    const delays: number[] = [];

    beforeAll(async () => {
      sandbox = await startConfluenceSandbox({ users: [USER], spaces: ['OPS'] });
      gateway = new ConfluenceGateway(
        { baseUrl: sandbox.baseUrl, ...USER, spaceKey: 'OPS' },
        { baseDelayMs: 5, maxDelayMs: 20, onRetry: ({ delayMs }) => delays.push(delayMs) },
      );
    });
    afterAll(() => sandbox.close());
    afterEach(() => {
      sandbox.faults.clear();
      delays.length = 0;
    });

    it('creates a page under the space home page and finds it again by a title that needs encoding', async () => {
      const title = 'lab — Keystone & "friends" #1 ?x=y';
      const created = await gateway.createPage('OPS', title, '<p>hello</p>');
      expect(created).toMatchObject({ title, version: 1, ancestorIds: [sandbox.spaceHomePageId('OPS')] });
      const found = await gateway.findPageByTitle('OPS', title);
      expect(found).toMatchObject({ id: created.id, body: '<p>hello</p>', version: 1, spaceKey: 'OPS' });
      expect(await gateway.findPageByTitle('OPS', 'lab — Keystone')).toBeNull();
    });

    it('creates children, lists them through CQL and labels them', async () => {
      const parent = await gateway.createPage('OPS', 'Parent page', '<p>parent</p>');
      const first = await gateway.createPage('OPS', 'Child one', '<p>1</p>', parent.id);
      await gateway.createPage('OPS', 'Child two', '<p>2</p>', parent.id);
      expect((await gateway.children(parent.id)).map((page) => page.title).sort()).toEqual(['Child one', 'Child two']);
      await gateway.addLabels(first.id, ['opsprint', 'env-lab']);
      expect((await gateway.getPage(first.id)).labels).toEqual(['opsprint', 'env-lab']);
      const labelled = await gateway.search(`space=OPS and label=${cqlString('env-lab')} and title=${cqlString('Child one')}`);
      expect(labelled.map((page) => page.id)).toEqual([first.id]);
    });

    it('updates with current+1 and refuses to overwrite on a stale version (409 from the server)', async () => {
      const page = await gateway.createPage('OPS', 'Versioned', '<p>v1</p>');
      const updated = await gateway.updatePage(page.id, 'Versioned', '<p>v2</p>', 1);
      expect(updated.version).toBe(2);
      const error = await gateway.updatePage(page.id, 'Versioned', '<p>v3</p>', 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfluenceConflictError);
      expect((await gateway.getPage(page.id)).body).toBe('<p>v2</p>');
    });

    it('retries once after a 409 when the page still holds what we last wrote', async () => {
      const page = await gateway.createPage('OPS', 'Conflicted', '<p>ours</p>');
      sandbox.faults.conflictOnNextUpdate();
      const updated = await gateway.updatePage(page.id, 'Conflicted', '<p>new</p>', 1, { lastWrittenHash: sha256('<p>ours</p>') });
      expect(updated).toMatchObject({ version: 2, body: '<p>new</p>' });
      const puts = sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(`/content/${page.id}`));
      expect(puts.map((r) => r.status)).toEqual([409, 200]);
    });

    it('never overwrites a page someone else edited in between', async () => {
      const page = await gateway.createPage('OPS', 'Edited by a human', '<p>ours</p>');
      sandbox.faults.conflictOnNextUpdate({ foreignEdit: '<p>a colleague fixed a typo</p>' });
      const error = await gateway
        .updatePage(page.id, 'Edited by a human', '<p>new</p>', 1, { lastWrittenHash: sha256('<p>ours</p>') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfluenceConflictError);
      expect(await gateway.getPage(page.id)).toMatchObject({ version: 2, body: '<p>a colleague fixed a typo</p>' });
    });

    it('retries 429 honouring Retry-After, and 5xx bursts with backoff', async () => {
      const page = await gateway.createPage('OPS', 'Rate limited', '<p>x</p>');
      sandbox.faults.rateLimit(1, 1);
      expect((await gateway.getPage(page.id)).title).toBe('Rate limited');
      expect(delays).toEqual([1000]); // Retry-After: 1, not the 5 ms backoff
      sandbox.faults.serverErrors(3, 503);
      expect((await gateway.getPage(page.id)).title).toBe('Rate limited');
      const statuses = sandbox.requests.slice(-5).map((r) => r.status);
      expect(statuses).toEqual([200, 503, 503, 503, 200]);
      expect(delays.slice(1)).toHaveLength(3);
      for (const delay of delays.slice(1)) expect(delay).toBeLessThanOrEqual(20); // backoff capped at maxDelayMs
    });

    it('gives up with the status, Retry-After and body once attempts are exhausted', async () => {
      sandbox.faults.rateLimit(10, 0);
      const error = (await gateway.findPageByTitle('OPS', 'anything').catch((e: unknown) => e)) as ConfluenceHttpError;
      expect(error).toBeInstanceOf(ConfluenceHttpError);
      expect(error).toMatchObject({ status: 429, retryAfter: 0, body: { statusCode: 429, message: 'Rate limit exceeded.' } });
    });

    it('does not duplicate a page when a create is retried after a 5xx', async () => {
      sandbox.faults.serverErrors(1, 502, /\/content$/);
      const page = await gateway.createPage('OPS', 'Created through a 502', '<p>x</p>');
      expect(sandbox.pages().filter((p) => p.title === 'Created through a 502')).toHaveLength(1);
      expect(page.version).toBe(1);
    });

    it('uploads an image attachment and adds a version on re-upload', async () => {
      const page = await gateway.createPage('OPS', 'With image', '<p>x</p>');
      const first = await gateway.putAttachment(page.id, 'burndown.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
      const second = await gateway.putAttachment(page.id, 'burndown.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 4, 5]));
      expect(second).toMatchObject({ id: first.id, title: 'burndown.png', version: 2 });
      const response = await fetch(`${sandbox.baseUrl}/download/attachments/${page.id}/burndown.png`, {
        headers: { authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}` },
      });
      expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 4, 5]);
    });

    it('reports wrong credentials as a 401 without retrying', async () => {
      const stranger = new ConfluenceGateway({ baseUrl: sandbox.baseUrl, username: USER.username, password: 'wrong' }, { baseDelayMs: 1 });
      const before = sandbox.requests.length;
      await expect(stranger.getPage(sandbox.spaceHomePageId('OPS'))).rejects.toMatchObject({ status: 401 });
      expect(sandbox.requests.length - before).toBe(1);
    });
  });
});

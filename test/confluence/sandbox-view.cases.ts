import { type RunningConfluenceSandbox, startConfluenceSandbox } from '../../lab/atlassian/confluence/index.js';

describe('sandbox-view', () => {
  const USER = { username: 'reader@example.com', password: 'sandbox-api-token' };
  const AUTH = { authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}` };

  describe('Confluence sandbox HTML view', () => {
    let sandbox: RunningConfluenceSandbox;
    beforeAll(async () => {
      sandbox = await startConfluenceSandbox({ users: [USER], spaces: ['OPS'] });
    });
    afterAll(() => sandbox.close());

    it('renders storage format as HTML without ever executing page content', async () => {
      const storage = [
        '<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>',
        '<table><tbody><tr><th><p>Name</p></th></tr><tr><td><p>admin &amp; demo</p></td></tr></tbody></table>',
        '<ac:structured-macro ac:name="code"><ac:parameter ac:name="title">/etc/x &lt;y&gt;</ac:parameter><ac:plain-text-body><![CDATA[<script>alert(2)</script> ]]]]><![CDATA[>]]></ac:plain-text-body></ac:structured-macro>',
        '<p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Red</ac:parameter><ac:parameter ac:name="title">Failed</ac:parameter></ac:structured-macro></p>',
        '<ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Careful</ac:parameter><ac:rich-text-body><p>Panel body</p></ac:rich-text-body></ac:structured-macro>',
        '<p><a href="javascript:alert(3)">bad link</a></p>',
      ].join('');
      const page = sandbox.store.createPage({
        spaceKey: 'OPS',
        title: 'Hostile <b>title</b>',
        body: storage,
        by: { username: USER.username, accountId: 'x', displayName: 'Reader' },
      });

      const response = await fetch(`${sandbox.baseUrl}/view/${page.id}`, { headers: AUTH });
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await response.text();
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain('javascript:');
      expect(html).toContain('<h1>Hostile &lt;b&gt;title&lt;/b&gt;</h1>');
      expect(html).toContain('<td><p>admin &amp; demo</p></td>');
      expect(html).toContain('<div class="code-title">/etc/x &lt;y&gt;</div>');
      expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt; ]]&gt;');
      expect(html).toMatch(/<span class="lozenge" style="background:#ffbdad">FAILED<\/span>/);
      expect(html).toMatch(/<div class="panel panel-warning"[^>]*><strong>Careful<\/strong><p>Panel body<\/p><\/div>/);

      const index = await (await fetch(`${sandbox.baseUrl}/view/`, { headers: AUTH })).text();
      expect(index).toContain(`<a href="/wiki/view/${page.id}">Hostile &lt;b&gt;title&lt;/b&gt;</a>`);
    });

    it('opens at the addresses the product prints, without a login, while the REST API still wants one', async () => {
      const page = sandbox.store.createPage({
        spaceKey: 'OPS',
        title: 'lab — Keystone identity service',
        body: '<p>Runbook page</p>',
        by: { username: USER.username, accountId: 'x', displayName: 'Reader' },
      });
      const api = await fetch(`${sandbox.baseUrl}/rest/api/content/${page.id}?expand=version`, { headers: AUTH });
      const webui: string = ((await api.json()) as { _links: { webui: string } })._links.webui;
      expect(webui).toBe(`/spaces/OPS/pages/${page.id}/lab+%E2%80%94+Keystone+identity+service`);

      for (const address of [
        `${sandbox.baseUrl}${webui}`,
        `${sandbox.baseUrl}/pages/viewpage.action?pageId=${page.id}`,
        `${sandbox.baseUrl}/view/`,
      ]) {
        const response = await fetch(address);
        expect(response.status).toBe(200);
        expect(response.headers.get('www-authenticate')).toBeNull();
        expect(await response.text()).toContain('lab — Keystone identity service');
      }
      expect((await fetch(`${sandbox.baseUrl}/pages/viewpage.action?pageId=999999`)).status).toBe(404);
      // Read-only: the same paths take no writes, and the REST API still asks for credentials.
      expect((await fetch(`${sandbox.baseUrl}/view/${page.id}`, { method: 'POST' })).status).toBe(401);
      const anonymous = await fetch(`${sandbox.baseUrl}/rest/api/content/${page.id}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Confluence sandbox"');
    });
  });
});

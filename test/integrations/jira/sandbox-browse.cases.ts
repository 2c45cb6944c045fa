import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';

describe('sandbox-browse', () => {
  /** The JIRA links the product prints (…/browse/KEY) open for a person, as a read-only page. */
  describe('JIRA sandbox issue pages at /browse/KEY', () => {
    let sandbox: AtlassianSandbox;
    const user = DEFAULT_USERS[0];
    const auth = `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
    });
    afterAll(() => sandbox.stop());

    async function call(method: string, path: string, body?: unknown) {
      const answer = await fetch(`${sandbox.jiraBaseUrl}${path}`, {
        method,
        headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await answer.text();
      return text ? JSON.parse(text) : undefined;
    }

    it('shows summary, type, status, labels, sprint, comments, the epic and the Confluence page, with no login', async () => {
      const epic = await call('POST', '/rest/api/2/issue', {
        fields: {
          project: { key: 'OPS' },
          summary: 'Keystone identity service',
          issuetype: { name: 'Epic' },
          labels: ['opsprint', 'env-lab'],
        },
      });
      const story = await call('POST', '/rest/api/2/issue', {
        fields: {
          project: { key: 'OPS' },
          summary: 'Register <Keystone> & its endpoints',
          issuetype: { name: 'Story' },
          labels: ['opsprint'],
          parent: { key: epic.key },
        },
      });
      const sprint = await call('POST', '/rest/agile/1.0/sprint', { name: 'OpSprint lab 2026-12-01', originBoardId: 1 });
      await call('POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [story.key] });
      await call('POST', `/rest/api/2/issue/${story.key}/comment`, { body: '(x) step failed <script>alert(1)</script>' });
      const pageUrl = `${sandbox.confluenceBaseUrl}/spaces/OPS/pages/65539/lab+%E2%80%94+Keystone`;
      await call('POST', `/rest/api/2/issue/${epic.key}/remotelink`, {
        globalId: 'appId=opsprint&pageId=65539',
        application: { name: 'Confluence' },
        relationship: 'Wiki Page',
        object: { url: pageUrl, title: 'lab — Keystone identity service' },
      });
      await call('POST', `/rest/api/2/issue/${epic.key}/remotelink`, { object: { url: 'javascript:alert(2)', title: 'sneaky' } });
      const { transitions } = await call('GET', `/rest/api/2/issue/${story.key}/transitions`);
      const inProgress = transitions.find((t: { to: { name: string } }) => t.to.name === 'In Progress');
      await call('POST', `/rest/api/2/issue/${story.key}/transitions`, { transition: { id: inProgress.id } });

      const storyPage = await fetch(`${sandbox.jiraBaseUrl}/browse/${story.key}`);
      expect(storyPage.status).toBe(200);
      expect(storyPage.headers.get('content-type')).toMatch(/^text\/html/);
      expect(storyPage.headers.get('www-authenticate')).toBeNull();
      const html = await storyPage.text();
      expect(html).toContain(`<h1>${story.key} Register &lt;Keystone&gt; &amp; its endpoints</h1>`);
      expect(html).toContain('<tr><th>Type</th><td>Story</td></tr>');
      expect(html).toMatch(/<tr><th>Status<\/th><td><span class="lozenge"[^>]*>IN PROGRESS<\/span><\/td><\/tr>/);
      expect(html).toContain('<tr><th>Labels</th><td>opsprint</td></tr>');
      expect(html).toContain('<tr><th>Sprint</th><td>OpSprint lab 2026-12-01 (future)</td></tr>');
      expect(html).toContain(`<tr><th>Epic</th><td><a href="/browse/${epic.key}">${epic.key}</a> Keystone identity service</td></tr>`);
      expect(html).toContain('(x) step failed &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toMatch(/<script/i);

      const epicHtml = await (await fetch(`${sandbox.jiraBaseUrl}/browse/${epic.key}`)).text();
      expect(epicHtml).toContain(`Wiki Page Confluence: <a href="${pageUrl}">lab — Keystone identity service</a>`);
      expect(epicHtml).toContain(`<a href="/browse/${story.key}">${story.key}</a>`);
      expect(epicHtml).toContain('<tr><th>Labels</th><td>opsprint, env-lab</td></tr>');
      expect(epicHtml).not.toContain('href="javascript:');
      expect(epicHtml).toContain('sneaky (javascript:alert(2))');

      const index = await (await fetch(`${sandbox.jiraBaseUrl}/browse/`)).text();
      expect(index).toContain(`<a href="/browse/${epic.key}">${epic.key}</a>`);
      expect((await fetch(`${sandbox.jiraBaseUrl}/browse/OPS-9999`)).status).toBe(404);
      // The REST API behind the pages still wants credentials.
      expect((await fetch(`${sandbox.jiraBaseUrl}/rest/api/2/issue/${story.key}`)).status).toBe(401);
    });
  });
});

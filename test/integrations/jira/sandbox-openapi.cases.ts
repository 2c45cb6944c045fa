import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../../../lab/atlassian/http.js';
import { OpenApiResponses, shapeDifferences } from './openapi-validator.js';

describe('sandbox-openapi', () => {
  /** The sandbox answers in the shapes Atlassian documents, so code tested against it fits JIRA. */
  describe('JIRA sandbox responses against the official OpenAPI documents', () => {
    let sandbox: AtlassianSandbox;
    let dc: AtlassianSandbox;
    const specs = new OpenApiResponses();
    const user = DEFAULT_USERS[0];

    beforeAll(async () => {
      sandbox = await startAtlassianSandbox();
      dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
    });
    afterAll(async () => {
      await sandbox.stop();
      await dc.stop();
    });

    async function call(method: string, path: string, body?: unknown, target = sandbox) {
      const auth = `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;
      const answer = await fetch(`${target.jiraBaseUrl}${path}`, {
        method,
        headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? JSON.parse(text) : undefined };
    }

    const epicFields = {
      project: { key: 'OPS' },
      summary: 'Keystone identity service',
      issuetype: { name: 'Epic' },
      labels: ['opsprint', 'env-lab'],
      description: 'h2. Goal',
    };

    it('issue create (201 and 400), get, comment and bulk create', async () => {
      const created = await call('POST', '/rest/api/2/issue', { fields: epicFields });
      expect(created.status).toBe(201);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue', 201, created.body)).toEqual([]);

      const refused = await call('POST', '/rest/api/2/issue', { fields: { ...epicFields, summary: '' } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ errorMessages: [], errors: { summary: 'You must specify a summary of the issue.' } });
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue', 400, refused.body)).toEqual([]);

      const story = await call('POST', '/rest/api/2/issue', {
        fields: { ...epicFields, summary: 'Install', issuetype: { name: 'Story' }, parent: { key: created.body.key } },
      });
      const comment = await call('POST', `/rest/api/2/issue/${story.body.key}/comment`, { body: '(x) failed {noformat}exit 1{noformat}' });
      expect(comment.status).toBe(201);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue/{issueIdOrKey}/comment', 201, comment.body)).toEqual([]);
      await call('POST', '/rest/api/2/issueLink', {
        type: { name: 'Relates' },
        inwardIssue: { key: created.body.key },
        outwardIssue: { key: story.body.key },
      });

      const fetched = await call('GET', `/rest/api/2/issue/${story.body.key}?expand=&fields=*all&properties=*all&fieldsByKeys=false`);
      expect(fetched.status).toBe(200);
      expect(fetched.body.fields.parent.key).toBe(created.body.key);
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}', 200, fetched.body)).toEqual([]);

      const missing = await call('GET', '/rest/api/2/issue/OPS-9999');
      expect(missing.status).toBe(404);
      expect(missing.body.errorMessages).toEqual(['Issue does not exist or you do not have permission to see it.']);

      const bulk = await call('POST', '/rest/api/2/issue/bulk', {
        issueUpdates: [{ fields: { ...epicFields, summary: 'A' } }, { fields: { ...epicFields, summary: '' } }],
      });
      expect(bulk.status).toBe(201);
      expect(bulk.body.errors[0].failedElementNumber).toBe(1);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue/bulk', 201, bulk.body)).toEqual([]);
    });

    it('field list: Story point estimate on Cloud, Story Points on Data Center; issues carry the value, null when unset', async () => {
      const fields = await call('GET', '/rest/api/2/field');
      expect(fields.status).toBe(200);
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/field', 200, fields.body)).toEqual([]);
      const cloudPoints = fields.body.find((field: { name: string }) => field.name === 'Story point estimate');
      expect(cloudPoints).toMatchObject({ custom: true, schema: { type: 'number' } });
      const dcFields = await call('GET', '/rest/api/2/field', undefined, dc);
      const dcPoints = dcFields.body.find((field: { name: string }) => field.name === 'Story Points');
      expect(dcPoints).toMatchObject({ custom: true, schema: { type: 'number' } });

      const story = await call('POST', '/rest/api/2/issue', {
        fields: { ...epicFields, summary: 'Estimated', issuetype: { name: 'Story' }, [cloudPoints.id]: 5 },
      });
      expect(story.status).toBe(201);
      const unestimated = await call('POST', '/rest/api/2/issue', {
        fields: { ...epicFields, summary: 'Not estimated', issuetype: { name: 'Story' } },
      });
      const read = await call('GET', `/rest/api/2/issue/${story.body.key}?fields=summary,${cloudPoints.id}`);
      expect(read.body.fields).toEqual({ summary: 'Estimated', [cloudPoints.id]: 5 });
      const all = await call('GET', `/rest/api/2/issue/${unestimated.body.key}?fields=*all`);
      expect(all.body.fields[cloudPoints.id]).toBeNull();

      const words = await call('PUT', `/rest/api/2/issue/${story.body.key}`, { fields: { [cloudPoints.id]: 'five' } });
      expect(words.status).toBe(400);
      expect(words.body.errors).toEqual({ [cloudPoints.id]: 'Operation value must be a number' });
      const unknown = await call('PUT', `/rest/api/2/issue/${story.body.key}`, { fields: { customfield_99999: 1 } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors.customfield_99999).toMatch(/cannot be set/);
    });

    it('the validator itself refuses bodies of the wrong shape', () => {
      expect(
        specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', 200, { transitions: 'none' }),
      ).not.toEqual([]);
      expect(
        specs.validate('jira-platform', 'POST', '/rest/api/3/search/jql', 200, { issues: [{ id: 1, fields: [] }], isLast: 'yes' }),
      ).not.toEqual([]);
      expect(shapeDifferences({ id: '1', name: 'x', sprintState: 'open' }, { id: 37, name: 'sprint 1' })).toHaveLength(2);
    });

    it('transitions', async () => {
      const { body: issue } = await call('POST', '/rest/api/2/issue', { fields: epicFields });
      const transitions = await call('GET', `/rest/api/2/issue/${issue.key}/transitions?expand=transitions.fields`);
      expect(transitions.body.transitions.map((t: { to: { name: string } }) => t.to.name)).toEqual([
        'In Progress',
        'Done',
        'Blocked',
        'Ready to Deploy',
      ]);
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', 200, transitions.body)).toEqual([]);
      const invalid = await call('POST', `/rest/api/2/issue/${issue.key}/transitions`, { transition: { id: '999' } });
      expect(invalid.status).toBe(400);
    });

    it('search: Cloud /search/jql, Data Center /search, and Cloud answering 410 to the retired /search', async () => {
      await call('POST', '/rest/api/2/issue', { fields: epicFields });
      const jql = await call('POST', '/rest/api/2/search/jql', {
        jql: 'project = OPS AND labels = "env-lab" ORDER BY key DESC',
        fields: ['summary', 'status', 'labels'],
        maxResults: 1,
      });
      expect(jql.body.isLast).toBe(false);
      expect(typeof jql.body.nextPageToken).toBe('string');
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/search/jql', 200, jql.body)).toEqual([]);
      expect((await call('POST', '/rest/api/2/search', { jql: 'project = OPS' })).status).toBe(410);

      await call('POST', '/rest/api/2/issue', { fields: epicFields }, dc);
      const classic = await call(
        'POST',
        '/rest/api/2/search',
        { jql: 'project = OPS AND status = "To Do"', fields: ['summary'], startAt: 0, maxResults: 50 },
        dc,
      );
      expect(classic.body.total).toBe(1);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/search', 200, classic.body)).toEqual([]);

      const bad = await call('POST', '/rest/api/2/search/jql', { jql: 'project ~ OPS' });
      expect(bad.status).toBe(400);
      expect(bad.body.errorMessages[0]).toMatch(/^Error in the JQL Query/);
      // The search operation documents its 400 as text; the ErrorCollection of issue create is the same shape.
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue', 400, bad.body)).toEqual([]);
    });

    it('server info, boards and sprints', async () => {
      const info = await call('GET', '/rest/api/2/serverInfo');
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/serverInfo', 200, info.body)).toEqual([]);

      const boards = await call('GET', '/rest/agile/1.0/board?startAt=0&maxResults=50');
      expect(specs.validate('jira-software', 'GET', '/rest/agile/1.0/board', 200, boards.body)).toEqual([]);

      const sprint = await call('POST', '/rest/agile/1.0/sprint', {
        name: 'OpSprint lab 2026-11-27',
        originBoardId: 1,
        goal: 'Deploy lab',
      });
      expect(sprint.status).toBe(201);
      // The Agile document describes sprints by example only: compare field names and types with it.
      expect(shapeDifferences(sprint.body, specs.example('jira-software', 'POST', '/rest/agile/1.0/sprint', 201))).toEqual([]);
      const sprints = await call('GET', '/rest/agile/1.0/board/1/sprint?startAt=0&maxResults=50&state=future');
      expect(sprints.body.values).toHaveLength(1);
      expect(shapeDifferences(sprints.body, specs.example('jira-software', 'GET', '/rest/agile/1.0/board/{boardId}/sprint', 200))).toEqual(
        [],
      );
      const tooLong = await call('POST', '/rest/agile/1.0/sprint', { name: 'x'.repeat(31), originBoardId: 1 });
      expect(tooLong.status).toBe(400);
    });

    it('sprint start and close through the partial update, with the rules Atlassian documents', async () => {
      const sprintExample = specs.example('jira-software', 'GET', '/rest/agile/1.0/sprint/{sprintId}', 200);
      const updatedExample = specs.example('jira-software', 'POST', '/rest/agile/1.0/sprint/{sprintId}', 200);
      const { body: sprint } = await call('POST', '/rest/agile/1.0/sprint', { name: 'Lifecycle', originBoardId: 1 });
      const update = (body: unknown) => call('POST', `/rest/agile/1.0/sprint/${sprint.id}`, body);

      // A future sprint needs both dates to start; no other change of state is allowed.
      expect((await update({ state: 'active' })).status).toBe(400);
      expect((await update({ state: 'closed' })).status).toBe(400);
      expect((await update({ state: 'active', startDate: '2026-12-01T09:00:00.000Z', endDate: '2026-11-30T09:00:00.000Z' })).status).toBe(
        400,
      );
      expect((await update({ state: 'active', sprintState: 'x' })).status).toBe(400);
      expect(sandbox.jira.state.sprints.find((s) => s.id === sprint.id)!.state).toBe('future');

      const { body: issue } = await call('POST', '/rest/api/2/issue', { fields: { ...epicFields, issuetype: { name: 'Story' } } });
      await call('POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [issue.key] });
      const started = await update({ state: 'active', startDate: '2026-12-01T09:00:00.000Z', endDate: '2026-12-15T09:00:00.000Z' });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ state: 'active', startDate: '2026-12-01T09:00:00.000Z', endDate: '2026-12-15T09:00:00.000Z' });
      expect(shapeDifferences(started.body, updatedExample)).toEqual([]);
      expect((await update({ completeDate: '2026-12-02T09:00:00.000Z' })).status).toBe(400);
      expect((await update({ state: 'future' })).status).toBe(400);

      const closed = await update({ state: 'closed' });
      expect(closed.status).toBe(200);
      expect(closed.body.state).toBe('closed');
      expect(Date.parse(closed.body.completeDate)).not.toBeNaN();
      const fetched = await call('GET', `/rest/agile/1.0/sprint/${sprint.id}`);
      expect(shapeDifferences(fetched.body, sprintExample)).toEqual([]);
      // Closed is final: no update, no issue moved in; it keeps the issues it had (JIRA's sprint report).
      expect((await update({ name: 'Renamed' })).status).toBe(400);
      expect((await call('POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: [issue.key] })).status).toBe(400);
      const { body: next } = await call('POST', '/rest/agile/1.0/sprint', { name: 'Next', originBoardId: 1 });
      expect((await call('POST', `/rest/agile/1.0/sprint/${next.id}/issue`, { issues: [issue.key] })).status).toBe(204);
      const issuesOf = async (id: number) =>
        (await call('GET', `/rest/agile/1.0/sprint/${id}/issue?fields=status`)).body.issues.map((i: { key: string }) => i.key);
      expect(await issuesOf(sprint.id)).toEqual([issue.key]);
      expect(await issuesOf(next.id)).toEqual([issue.key]);
    });

    it('sprint issues are paged 50 at a time', async () => {
      const { body: sprint } = await call('POST', '/rest/agile/1.0/sprint', { name: 'Paged', originBoardId: 1 });
      const created = await call('POST', '/rest/api/2/issue/bulk', {
        issueUpdates: Array.from({ length: 51 }, (_, i) => ({ fields: { ...epicFields, summary: `S${i}`, issuetype: { name: 'Story' } } })),
      });
      const keys = created.body.issues.map((i: { key: string }) => i.key);
      await call('POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: keys.slice(0, 50) });
      await call('POST', `/rest/agile/1.0/sprint/${sprint.id}/issue`, { issues: keys.slice(50) });
      const first = await call('GET', `/rest/agile/1.0/sprint/${sprint.id}/issue?startAt=0&maxResults=100`);
      expect({ total: first.body.total, page: first.body.issues.length, maxResults: first.body.maxResults }).toEqual({
        total: 51,
        page: 50,
        maxResults: 50,
      });
      const second = await call('GET', `/rest/agile/1.0/sprint/${sprint.id}/issue?startAt=50`);
      expect(second.body.issues.map((i: { key: string }) => i.key)).toEqual(keys.slice(50));
    });

    it('attachments need the XSRF header', async () => {
      const { body: issue } = await call('POST', '/rest/api/2/issue', { fields: epicFields });
      const form = new FormData();
      form.append('file', new Blob(['burndown']), 'burndown.png');
      const auth = `Basic ${Buffer.from(`${user.email}:${user.apiToken}`).toString('base64')}`;
      const refused = await fetch(`${sandbox.jiraBaseUrl}/rest/api/2/issue/${issue.key}/attachments`, {
        method: 'POST',
        headers: { Authorization: auth },
        body: form,
      });
      expect(refused.status).toBe(403);
      const answer = await fetch(`${sandbox.jiraBaseUrl}/rest/api/2/issue/${issue.key}/attachments`, {
        method: 'POST',
        headers: { Authorization: auth, 'X-Atlassian-Token': 'no-check' },
        body: form,
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { filename: string; size: number }[];
      expect(body[0]).toMatchObject({ filename: 'burndown.png', size: 8 });
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue/{issueIdOrKey}/attachments', 200, body)).toEqual([]);
    });

    it('remote links: create 201, the same globalId again 200 (an update), list, one by id, and 400 / 404', async () => {
      const { body: epic } = await call('POST', '/rest/api/2/issue', { fields: epicFields });
      const link = {
        globalId: 'appId=opsprint&pageId=65539',
        application: { type: 'com.atlassian.confluence', name: 'Confluence' },
        relationship: 'Wiki Page',
        object: { url: 'http://127.0.0.1:1/wiki/spaces/OPS/pages/65539', title: 'lab — Keystone identity service' },
      };
      const created = await call('POST', `/rest/api/2/issue/${epic.key}/remotelink`, link);
      expect(created.status).toBe(201);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue/{issueIdOrKey}/remotelink', 201, created.body)).toEqual([]);

      const renamed = { ...link, object: { ...link.object, title: 'lab — Keystone (v2)' } };
      const updated = await call('POST', `/rest/api/2/issue/${epic.key}/remotelink`, renamed);
      expect(updated.status).toBe(200);
      expect(updated.body.id).toBe(created.body.id);
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue/{issueIdOrKey}/remotelink', 200, updated.body)).toEqual([]);

      const listed = await call('GET', `/rest/api/2/issue/${epic.key}/remotelink`);
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0]).toMatchObject({ id: created.body.id, globalId: link.globalId, object: { title: 'lab — Keystone (v2)' } });
      // The document describes the list's items (it calls the answer a RemoteIssueLink; JIRA sends an array of them).
      for (const item of listed.body) {
        expect(specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', 200, item)).toEqual([]);
      }
      const byGlobalId = await call('GET', `/rest/api/2/issue/${epic.key}/remotelink?globalId=${encodeURIComponent(link.globalId)}`);
      expect(byGlobalId.body.id).toBe(created.body.id);
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink', 200, byGlobalId.body)).toEqual([]);
      const one = await call('GET', `/rest/api/2/issue/${epic.key}/remotelink/${created.body.id}`);
      expect(specs.validate('jira-platform', 'GET', '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}', 200, one.body)).toEqual([]);

      const untitled = await call('POST', `/rest/api/2/issue/${epic.key}/remotelink`, { object: { url: 'http://x' } });
      expect(untitled.status).toBe(400);
      expect(untitled.body).toEqual({ errorMessages: [], errors: { title: "'title' is required." } });
      expect(specs.validate('jira-platform', 'POST', '/rest/api/3/issue', 400, untitled.body)).toEqual([]);
      expect((await call('POST', '/rest/api/2/issue/OPS-9999/remotelink', link)).status).toBe(404);
      expect((await call('GET', `/rest/api/2/issue/${epic.key}/remotelink/1`)).status).toBe(404);

      expect((await call('DELETE', `/rest/api/2/issue/${epic.key}/remotelink/${created.body.id}`)).status).toBe(204);
      expect((await call('GET', `/rest/api/2/issue/${epic.key}/remotelink`)).body).toEqual([]);
    });
  });
});

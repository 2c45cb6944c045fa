/**
 * Bad bytes get 400 naming the field, never 500 (issue 9, item 5). The /api/v1 routes are covered
 * field by field in test/api/hostile-input.cases.ts; this covers what that harness cannot reach: the
 * JIRA webhook (raw signed bytes, no DTO), text PostgreSQL cannot store (NUL, unpaired surrogates
 * in JSON columns), API tokens and the dashboard.
 */
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { signJiraPayload } from '../../src/integrations/jira/webhook-signature.js';
import { ADMIN_TOKEN, bearer, environmentBody, startApiApp, type ApiTestApp } from '../api/api-test-app.js';
import { postSignIn, sessionCookie } from '../support/dashboard-sign-in.js';

describe('bad-bytes', () => {
  const SECRET = 'bad-bytes-webhook-secret';
  let sandbox: AtlassianSandbox;
  let t: ApiTestApp;

  beforeAll(async () => {
    sandbox = await startAtlassianSandbox();
    const user = DEFAULT_USERS[0];
    t = await startApiApp({
      env: {
        OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN,
        JIRA_BASE_URL: sandbox.jiraBaseUrl,
        JIRA_EMAIL: user.email,
        JIRA_API_TOKEN: user.apiToken,
        JIRA_PROJECT_KEY: 'OPS',
        JIRA_WEBHOOK_SECRET: SECRET,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
  });

  /** A signed `jira:issue_updated` delivery moving an OpSprint epic to the trigger status, with `change` applied. */
  function delivery(change: (body: Record<string, any>) => void): Buffer {
    const body: Record<string, any> = {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      user: { accountId: 'acc-1', displayName: 'Olga Operator' },
      issue: { id: '10001', key: 'OPS-1', fields: { labels: ['opsprint', 'env-lab', 'phase-base'], issuetype: { name: 'Epic' } } },
      changelog: { id: '5001', items: [{ field: 'status', fromString: 'To Do', toString: 'Ready to Deploy' }] },
    };
    change(body);
    return Buffer.from(JSON.stringify(body));
  }

  const postWebhook = (raw: Buffer, id: string) =>
    t
      .http()
      .post('/webhooks/jira')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature', signJiraPayload(raw, SECRET))
      .set('X-Atlassian-Webhook-Identifier', id)
      .send(raw.toString());

  describe('bad bytes', () => {
    it('in a signed webhook body: 400 naming the field, nothing requested', async () => {
      const cases: Record<string, [(body: Record<string, any>) => void, string]> = {
        'NUL in the issue key': [(b) => (b.issue.key = 'OPS-1\u0000'), 'issue.key'],
        'NUL in the event name': [(b) => (b.webhookEvent = 'jira:issue_updated\u0000'), 'webhookEvent'],
        'NUL in a label': [(b) => (b.issue.fields.labels[1] = 'env-lab\u0000'), 'issue.fields.labels[1]'],
        'NUL in the new status': [(b) => (b.changelog.items[0].toString = 'Ready to Deploy\u0000'), 'changelog.items[0].toString'],
        "NUL in the user's name": [(b) => (b.user.displayName = 'Olga\u0000'), 'user.displayName'],
        'NUL in the changelog id': [(b) => (b.changelog.id = '5001\u0000'), 'changelog.id'],
        'an unpaired surrogate in the issue type': [(b) => (b.issue.fields.issuetype.name = 'Epic\ud800'), 'issue.fields.issuetype.name'],
      };
      let n = 0;
      for (const [what, [change, field]] of Object.entries(cases)) {
        const response = await postWebhook(delivery(change), `bad-bytes-${n++}`);
        expect({ what, status: response.status, outcome: response.body.outcome, reason: response.body.reason }).toEqual({
          what,
          status: 400,
          outcome: 'malformed',
          reason: expect.stringMatching(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: contains `)),
        });
      }
      const rows = await t.db.prisma.webhookDelivery.findMany();
      expect(rows.filter((row) => row.outcome !== 'rejected')).toEqual([]);
    });

    it('an unpaired surrogate in any API body field, which a JSON column cannot store: 400 naming the field', async () => {
      const body = environmentBody('surrogates');
      const cases: Record<string, [Record<string, unknown>, string]> = {
        description: [{ ...body, description: 'lab \ud800 cloud' }, 'description'],
        region: [{ ...body, network: { ...body.network, region: 'Region\udc00One' } }, 'network.region'],
        'token name': [{ name: 'viewer \ud83d', role: 'viewer' }, 'name'],
      };
      for (const [what, [payload, field]] of Object.entries(cases)) {
        const url = what === 'token name' ? '/api/v1/tokens' : '/api/v1/environments';
        const response = await t.http().post(url).set(bearer(ADMIN_TOKEN)).send(payload);
        expect({ what, status: response.status, reasons: response.body.reasons }).toEqual({
          what,
          status: 400,
          reasons: [expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}: contains an unpaired surrogate`))],
        });
      }
      expect(await t.db.prisma.environment.count()).toBe(0);
    });

    it('in a dashboard path or the sign-in form: 400, not 500', async () => {
      const signIn = (token: string) => postSignIn(t.app.getHttpServer(), token);
      expect((await signIn(`${ADMIN_TOKEN}\u0000`)).status).toBe(400);
      const signedIn = await signIn(ADMIN_TOKEN);
      const session = sessionCookie(signedIn)!;
      expect((await t.http().get('/dashboard/environments/lab').set('Cookie', session)).status).toBe(404);
      expect((await t.http().get('/dashboard/environments/lab%00').set('Cookie', session)).status).toBe(400);
    });
  });
});

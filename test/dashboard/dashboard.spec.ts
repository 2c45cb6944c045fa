import request from 'supertest';
import { ApiTokensService } from '../../src/auth/api-tokens.service.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { commandRunbook, finished } from '../engine/support/engine-fixtures.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_TOKEN = 'dashboard-test-admin-token-0123456789';
const hello = commandRunbook('hello', [{ key: 'greet', steps: ['echo hello', 'echo world'] }]);
let t: TestApp;
let viewerToken: string;
let viewerId: string;

/** Signs in through the form as a browser would; returns the cookie header to send afterwards. */
async function signIn(token: string, next?: string): Promise<{ status: number; location?: string; cookie?: string; body: string }> {
  const agent = request(t.app.getHttpServer());
  const form = await agent.get(`/dashboard/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  const formCookie = (form.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const answer = await agent
    .post('/dashboard/sign-in')
    .set('Cookie', formCookie)
    .type('form')
    .send({ token, _csrf: csrf, next: /name="next" value="([^"]*)"/.exec(form.text)![1] });
  const session = ((answer.headers['set-cookie'] as unknown as string[] | undefined) ?? []).find((c) => c.startsWith('opsprint_session='));
  return { status: answer.status, location: answer.headers.location, cookie: session?.split(';')[0], body: answer.text };
}

beforeAll(async () => {
  t = await startTestApp({
    env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN },
    sessionFactory: new LocalSessionFactory(),
    catalog: RunbookCatalog.of([hello]),
  });
  const inventory = exampleInventory({ environment: 'lab' });
  await t.app.get(EnvironmentsService).create({
    name: 'lab',
    description: 'Lab <script>alert("x")</script>',
    network: inventory.network,
    nodes: inventory.nodes,
    secrets: { SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nunused\n-----END OPENSSH PRIVATE KEY-----' },
  });
  const viewer = await t.app.get(ApiTokensService).create({ name: 'reviewer', role: 'viewer' }, 'test');
  viewerToken = viewer.token;
  viewerId = viewer.id;
});
afterAll(() => t?.close());

describe('dashboard sign-in', () => {
  it('sends a browser without a session to the sign-in form, and back to the page it asked for', async () => {
    const page = await request(t.app.getHttpServer()).get('/dashboard/environments/lab');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/dashboard/sign-in?next=%2Fdashboard%2Fenvironments%2Flab');
    const signed = await signIn(viewerToken, '/dashboard/environments/lab');
    expect(signed).toMatchObject({ status: 303, location: '/dashboard/environments/lab' });
  });

  it('gives an HttpOnly, SameSite=Strict session cookie that carries no token', async () => {
    const agent = request(t.app.getHttpServer());
    const form = await agent.get('/dashboard/sign-in');
    const formCookie = (form.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const answer = await agent.post('/dashboard/sign-in').set('Cookie', formCookie).type('form').send({ token: viewerToken, _csrf: csrf });
    const cookie = (answer.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('opsprint_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).not.toContain(viewerToken);
  });

  it('refuses an unknown token and a form posted without its CSRF token, starting no session', async () => {
    const unknown = await signIn('ops_not-a-real-token');
    expect(unknown.status).toBe(401);
    expect(unknown.cookie).toBeUndefined();
    expect(unknown.body).toContain('unknown or revoked');
    const forged = await request(t.app.getHttpServer()).post('/dashboard/sign-in').type('form').send({ token: viewerToken });
    expect(forged.status).toBe(403);
    expect((forged.headers['set-cookie'] as unknown as string[] | undefined)?.some((c) => c.startsWith('opsprint_session='))).toBeFalsy();
  });

  it('never redirects to another site after sign-in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/api/v1/tokens']) {
      expect((await signIn(viewerToken, next)).location).toBe('/dashboard');
    }
  });

  it('signs out only with the CSRF token of the session, and the cookie no longer works afterwards', async () => {
    const { cookie } = await signIn(ADMIN_TOKEN);
    const page = await request(t.app.getHttpServer()).get('/dashboard').set('Cookie', cookie!);
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const forged = await request(t.app.getHttpServer()).post('/dashboard/sign-out').set('Cookie', cookie!).type('form').send({});
    expect(forged.status).toBe(403);
    const out = await request(t.app.getHttpServer()).post('/dashboard/sign-out').set('Cookie', cookie!).type('form').send({ _csrf: csrf });
    expect(out.status).toBe(303);
    expect((await request(t.app.getHttpServer()).get('/dashboard').set('Cookie', cookie!)).status).toBe(303);
  });

  it('ends the session when its token is revoked', async () => {
    const extra = await t.app.get(ApiTokensService).create({ name: 'temporary', role: 'viewer' }, 'test');
    const { cookie } = await signIn(extra.token);
    expect((await request(t.app.getHttpServer()).get('/dashboard').set('Cookie', cookie!)).status).toBe(200);
    await t.app.get(ApiTokensService).revoke(extra.id, 'test');
    expect((await request(t.app.getHttpServer()).get('/dashboard').set('Cookie', cookie!)).status).toBe(303);
    expect(viewerId).toBeDefined();
  });
});

describe('dashboard pages', () => {
  let cookie: string;
  let deploymentId: string;

  beforeAll(async () => {
    cookie = (await signIn(viewerToken)).cookie!;
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: 'hello', trigger: 'api', requester: 'dash <b>tester</b>' });
    deploymentId = created.id;
    await finished(t.db.prisma, created.id);
  });
  const get = (path: string) => request(t.app.getHttpServer()).get(path).set('Cookie', cookie);
  /** The text a reader sees: tags dropped, white space collapsed. */
  const visible = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  it('lists environments and recent deployments, escaping everything users typed', async () => {
    const page = await get('/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain(`href="/dashboard/deployments/${deploymentId}"`);
    expect(page.text).toContain('dash &lt;b&gt;tester&lt;/b&gt;');
    expect(page.text).not.toContain('<b>tester</b>');
    expect(page.text).toContain('reviewer · viewer');
  });

  it('shows an environment with the latest status of each phase', async () => {
    const page = await get('/dashboard/environments/lab');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Lab &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toMatch(/<tr data-phase="greet">[\s\S]*?succeeded/);
  });

  it('shows a deployment with its progress per phase and node', async () => {
    const page = await get(`/dashboard/deployments/${deploymentId}`);
    expect(page.status).toBe(200);
    expect(visible(page.text)).toContain('2 of 2 steps done (100%)');
    expect(page.text).toContain('<meter min="0" max="2" value="2"></meter>');
    expect(visible(page.text)).toContain('linux-node1.example.com 2/2');
    const fragment = await get(`/dashboard/deployments/${deploymentId}/progress`);
    expect(visible(fragment.text)).toContain('2 of 2 steps done');
    expect(fragment.text).not.toContain('<html');
  });

  it('answers 404 for an unknown deployment and 400 for a malformed id', async () => {
    expect((await get('/dashboard/deployments/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/dashboard/deployments/not-a-uuid')).status).toBe(400);
    expect((await get('/dashboard/environments/nope')).status).toBe(404);
  });

  it('serves its stylesheet and script without a session, and nothing else from disk', async () => {
    const css = await request(t.app.getHttpServer()).get('/dashboard/assets/dashboard.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect((await request(t.app.getHttpServer()).get('/dashboard/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

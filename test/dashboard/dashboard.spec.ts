import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ApiTokensService } from '../../src/auth/api-tokens.service.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { readChartSvg } from '../../src/reports/charts/chart-svg-reader.spec-helper.js';
import { SprintReviewService } from '../../src/reports/sprint-review.service.js';
import { SprintsService } from '../../src/reports/sprints.service.js';
import { DriftRepository } from '../../src/persistence/repositories/drift.repository.js';
import { DeploymentSchedulesService } from '../../src/schedules/deployment-schedules.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { commandRunbook, finished } from '../engine/support/engine-fixtures.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { postSignIn, sessionCookie } from '../support/dashboard-sign-in.js';

const ADMIN_TOKEN = 'dashboard-test-admin-token-0123456789';
const hello = commandRunbook('hello', [{ key: 'greet', steps: ['echo hello', 'echo world'] }]);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'opsprint-dashboard-'));
const fixed = path.join(scratch, 'fixed');
/** A runbook whose second phase fails (exit 4, an error line) until the test "fixes" it; the retry then succeeds. */
const sprinty = commandRunbook('sprinty', [
  { key: 'base', steps: ['sleep 0.2'] },
  { key: 'db', dependsOn: ['base'], steps: [`test -e ${fixed} || { echo 'ERROR 1045: access <denied>' >&2; exit 4; }`] },
]);
let t: TestApp;
let viewerToken: string;
let viewerId: string;

/** Signs in through the form as a browser would; returns the cookie header to send afterwards. */
async function signIn(token: string, next?: string): Promise<{ status: number; location?: string; cookie?: string; body: string }> {
  const answer = await postSignIn(t.app.getHttpServer(), token, next);
  return { status: answer.status, location: answer.headers.location, cookie: sessionCookie(answer), body: answer.text };
}

beforeAll(async () => {
  t = await startTestApp({
    env: { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN },
    sessionFactory: new LocalSessionFactory(),
    catalog: RunbookCatalog.of([hello, sprinty]),
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
afterAll(async () => {
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

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

  it('shows a drifted phase with what no longer holds, and the environment’s schedules', async () => {
    const environment = await t.app.get(EnvironmentsService).get('lab');
    await t.app.get(DriftRepository).recordCheck({
      environmentId: environment.id,
      runbookKey: 'hello',
      phaseKey: 'greet',
      findings: [
        {
          storyKey: 'greet-story',
          stepKey: 'greet-s2',
          node: 'linux-node1.example.com',
          title: 'greet step 2',
          status: 'would_change',
          note: 'not yet true: <world>',
        },
      ],
      deploymentId,
      at: new Date(),
    });
    await t.app
      .get(DeploymentSchedulesService)
      .create({ environment: 'lab', name: 'nightly <check>', cron: '0 2 * * *', runbook: 'hello', dryRun: true }, 'test');
    const page = await get('/dashboard/environments/lab');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(
      /<tr data-phase="greet">[\s\S]*?<span class="status bad">drifted<\/span>[\s\S]*?greet step 2 on linux-node1\.example\.com: <code>not yet true: &lt;world&gt;<\/code>/,
    );
    expect(visible(page.text)).toMatch(/nightly &lt;check&gt; 0 2 \* \* \* UTC all phases check mode/);
  });

  it('shows a deployment with its progress per phase and node', async () => {
    const page = await get(`/dashboard/deployments/${deploymentId}`);
    expect(page.status).toBe(200);
    expect(visible(page.text)).toContain('2 of 2 steps done (100%)');
    expect(page.text).toContain('<meter min="0" max="2" value="2"></meter>');
    expect(visible(page.text)).toContain('linux-node1.example.com 2/2');
    // No error to show: its place is kept, hidden, for the live page to fill if the deployment fails.
    expect(page.text).toContain('<p class="error" role="alert" id="deployment-error" hidden></p>');
    // One human time format, with the API's ISO 8601 instant kept in the element for machines.
    const { startedAt } = await t.db.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    const shown = `${startedAt!.toISOString().slice(0, 10)} ${startedAt!.toISOString().slice(11, 19)} UTC`;
    expect(page.text).toContain(`started <time datetime="${startedAt!.toISOString()}">${shown}</time>`);
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

describe('sprint pages on real data', () => {
  let cookie: string;
  let sprintId: string;
  let failingId: string;
  const get = (path: string) => request(t.app.getHttpServer()).get(path).set('Cookie', cookie);
  /** What a reader sees: charts and tags dropped, entities decoded, white space collapsed. */
  const visible = (html: string) =>
    html
      .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');

  beforeAll(async () => {
    cookie = (await signIn(viewerToken)).cookie!;
    const sprint = await t.app.get(SprintsService).create({
      name: 'Sprint <1>',
      goal: 'Deploy <b>the lab</b>',
      endAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
      environment: 'lab',
      runbook: 'sprinty',
      actor: 'dashboard-test',
    });
    sprintId = sprint.id;
    const deployments = t.app.get(DeploymentsService);
    const failing = await deployments.create({ environment: 'lab', runbook: 'sprinty', trigger: 'api', requester: 'dashboard-test' });
    failingId = failing.id;
    expect((await finished(t.db.prisma, failing.id)).status).toBe('failed');
    writeFileSync(fixed, '');
    await deployments.retry(failing.id, 'dashboard-test');
    expect((await finished(t.db.prisma, failing.id)).status).toBe('succeeded');
    // Story statuses are written by a follower of the deployment events: wait until both stories are done.
    await eventually(
      async () => ((await t.app.get(SprintReviewService).report(sprintId)).scope.done.stories === 2 ? true : undefined),
      30_000,
    );
  });

  it('lists the sprint, on its own page and on the overview, with its name escaped', async () => {
    const list = await get('/dashboard/sprints');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`<a href="/dashboard/sprints/${sprintId}">Sprint &lt;1&gt;</a>`);
    expect(visible(list.text)).toMatch(/Sprint <1> active .* lab 1 Deploy <b>the lab<\/b>/);
    expect(list.text).not.toContain('<b>the lab</b>');
    expect((await get('/dashboard')).text).toContain(`href="/dashboard/sprints/${sprintId}"`);
  });

  it('shows the review with the numbers of the report: committed vs done, the failure and its retry, the DORA keys, links', async () => {
    const page = await get(`/dashboard/sprints/${sprintId}`);
    expect(page.status).toBe(200);
    const text = visible(page.text);
    expect(text).toContain('Sprint <1> review');
    expect(text).toMatch(/Stories 2 0 0 2 2 2 0/);
    // The failed attempt: step, node, exit code and first error line, recovered by the retry.
    expect(text).toMatch(/db step 1 db\/db-s1 · attempt 1 linux-node1\.example\.com 4 ERROR 1045: access <denied> after \d/);
    expect(page.text).toContain('ERROR 1045: access &lt;denied&gt;');
    expect(page.text).toContain(`href="/dashboard/deployments/${failingId}"`);
    expect(text).toContain('100 % Change failure rate 1 of 1 finished deployments failed');
    expect(text).toMatch(/1 failed step attempt, 1 recovered/);
    // The tables use the same time format as the rest of the dashboard, not minutes in some places.
    const times = [...page.text.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
    expect(times.length).toBeGreaterThan(3);
    for (const [, iso, shown] of times) expect(shown).toBe(`${iso!.slice(0, 10)} ${iso!.slice(11, 19)} UTC`);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?!:)/);
  });

  it('draws the burndown and the phase timeline of the sprint’s deployment with their data', async () => {
    const page = await get(`/dashboard/sprints/${sprintId}`);
    const charts = [...page.text.matchAll(/<svg [\s\S]*?<\/svg>/g)].map((match) => match[0]);
    expect(charts).toHaveLength(2);
    const [burndown, timeline] = charts.map(readChartSvg);
    expect([...burndown.legend.values()]).toEqual(['Remaining', 'Ideal', 'Scope']);
    expect(burndown.marks.filter((mark) => mark.series === 0).length).toBeGreaterThanOrEqual(1);
    expect(burndown.texts.map((text) => text.text)).toContain('Sprint <1>: burndown (stories)');
    expect(timeline.texts.map((text) => text.text)).toEqual(expect.arrayContaining(['base', 'db']));
    expect(timeline.marks.filter((mark) => mark.rect && mark.rect.width > 0 && mark.fill === '#36b37e')).toHaveLength(2);
  });

  it('answers 404 for an unknown sprint and 400 for a malformed id, and asks a browser without a session to sign in', async () => {
    expect((await get('/dashboard/sprints/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('/dashboard/sprints/%3Cscript%3E')).status).toBe(400);
    expect((await get(`/dashboard/sprints/${sprintId}?deployment=00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    const anonymous = await request(t.app.getHttpServer()).get(`/dashboard/sprints/${sprintId}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toBe(`/dashboard/sign-in?next=${encodeURIComponent(`/dashboard/sprints/${sprintId}`)}`);
  });
});

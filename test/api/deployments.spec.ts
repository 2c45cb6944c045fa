import { ADMIN_TOKEN, bearer, createToken, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';

let t: ApiTestApp;
let operator: string;
const ADMIN_PASS = 'Deploy-admin-pass-4242';
const KEYSTONE_DBPASS = 'Keystone-db-pass-4242';

beforeAll(async () => {
  t = await startApiApp();
  operator = (await createToken(t, 'release-bot', 'operator')).token;
  await t
    .http()
    .post('/api/v1/environments')
    .set(bearer(operator))
    .send(environmentBody('lab', { ADMIN_PASS, KEYSTONE_DBPASS }))
    .expect(201);
  await t.http().post('/api/v1/environments').set(bearer(operator)).send(environmentBody('staging')).expect(201);
});
afterAll(async () => {
  await t?.close();
});

const deploy = (body: Record<string, unknown>) => t.http().post('/api/v1/deployments').set(bearer(operator)).send(body);

describe('/api/v1/deployments', () => {
  it('answers 400 for an unknown phase or environment and creates nothing', async () => {
    const phase = await deploy({ environment: 'lab', phases: ['base', 'nope'] }).expect(400);
    expect(phase.body.reasons).toEqual([expect.stringMatching(/^unknown phase "nope" \(known: base, /)]);
    const environment = await deploy({ environment: 'missing' }).expect(400);
    expect(environment.body.reasons).toEqual(['environment: environment missing does not exist']);
    const shape = await deploy({ environment: 'lab', phases: 'base', dryRun: 'yes' }).expect(400);
    expect(shape.body.reasons).toEqual(expect.arrayContaining(['phases must be an array', 'dryRun must be a boolean value']));
    expect(await t.db.prisma.deployment.count()).toBe(0);
    expect(await t.db.prisma.stepRun.count()).toBe(0);
  });

  it('creates a queued deployment (201) recorded as the token holder; a second one on the environment is 409', async () => {
    const created = await deploy({ environment: 'lab' }).expect(201);
    expect(created.body).toMatchObject({
      environment: 'lab',
      status: 'queued',
      trigger: 'api',
      requester: 'release-bot',
      runbookKey: 'openstack-liberty',
      dryRun: false,
    });
    expect(created.body.phaseRuns.map((p: { phaseKey: string }) => p.phaseKey)).toEqual(
      expect.arrayContaining(['base', 'keystone', 'first-instance']),
    );
    expect(created.body.phaseRuns[0].steps.length).toBeGreaterThan(0);

    const second = await deploy({ environment: 'lab', phases: ['base'] }).expect(409);
    expect(second.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(second.body.message).toBe(
      `environment lab already has an active deployment (${created.body.id}, queued, requested by release-bot); wait for it or cancel it`,
    );
    expect(await t.db.prisma.deployment.count({ where: { environment: { name: 'lab' } } })).toBe(1);

    // A step with every field set reads back as the ledger has it (times as ISO strings, numbers as numbers).
    const first = created.body.phaseRuns[0].steps[0];
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    await t.db.prisma.stepRun.update({
      where: { id: first.id },
      data: { status: 'failed', exitCode: 3, attempt: 2, startedAt, finishedAt: new Date(startedAt.getTime() + 1500), durationMs: 1500 },
    });
    const got = await t.http().get(`/api/v1/deployments/${created.body.id}`).set(bearer(ADMIN_TOKEN)).expect(200);
    expect(got.body.id).toBe(created.body.id);
    expect(got.body.phaseRuns[0].steps[0]).toEqual({
      ...first,
      status: 'failed',
      exitCode: 3,
      attempt: 2,
      startedAt: '2026-01-02T03:04:05.678Z',
      finishedAt: '2026-01-02T03:04:07.178Z',
      durationMs: 1500,
    });
    expect(got.body.phaseRuns[0].steps.slice(1)).toEqual(created.body.phaseRuns[0].steps.slice(1));
    // This app runs without JIRA and Confluence settings: every phase says so, with no key or URL.
    for (const phase of got.body.phaseRuns) {
      expect(phase.jira).toEqual({ state: 'off', reason: 'JIRA is not configured' });
      expect(phase.confluence).toEqual({ state: 'off', reason: 'Confluence is not configured' });
    }
    await t.http().get('/api/v1/deployments/00000000-0000-0000-0000-000000000000').set(bearer(ADMIN_TOKEN)).expect(404);
  });

  it('serves a step command with secrets masked', async () => {
    const [deployment] = (await t.http().get('/api/v1/deployments?environment=lab').set(bearer(ADMIN_TOKEN)).expect(200)).body;
    const withSecret = await t.db.prisma.stepRun.findFirstOrThrow({
      where: { deploymentId: deployment.id, command: { contains: '********' } },
    });
    const output = await t
      .http()
      .get(`/api/v1/deployments/${deployment.id}/steps/${withSecret.id}/output`)
      .set(bearer(ADMIN_TOKEN))
      .expect(200);
    expect(output.body).toMatchObject({ id: withSecret.id, stepKey: withSecret.stepKey, stdout: null, artifacts: [] });
    expect(output.body.command).toContain('********');
    // The guard, the probe that finds a step already done, is answered apart from the command.
    const guarded = await t.db.prisma.stepRun.findFirstOrThrow({
      where: { deploymentId: deployment.id, stepKey: 'db-sync-keystone' },
    });
    const guardedOutput = await t
      .http()
      .get(`/api/v1/deployments/${deployment.id}/steps/${guarded.id}/output`)
      .set(bearer(ADMIN_TOKEN))
      .expect(200);
    expect(guardedOutput.body).toMatchObject({
      guard: `[ "$(su -s /bin/sh -c 'keystone-manage db_version' keystone 2>/dev/null | tail -n 1)" -ge 75 ] 2>/dev/null`,
      command: `su -s /bin/sh -c 'keystone-manage db_sync' keystone`,
    });
    const allCommands = (await t.db.prisma.stepRun.findMany({ where: { deploymentId: deployment.id } }))
      .map((s) => s.command ?? '')
      .join('\n');
    expect(allCommands).not.toContain(ADMIN_PASS);
    expect(allCommands).not.toContain(KEYSTONE_DBPASS);
    await t
      .http()
      .get(`/api/v1/deployments/${deployment.id}/steps/00000000-0000-0000-0000-000000000000/output`)
      .set(bearer(ADMIN_TOKEN))
      .expect(404);
  });

  it('filters the list by environment and status and validates the limit', async () => {
    const dry = await deploy({ environment: 'staging', phases: ['base'], dryRun: true }).expect(201);
    expect(dry.body).toMatchObject({ dryRun: true, phases: ['base'] });
    // A check-mode run holds its environment too, and the refusal says it is one.
    const refused = await deploy({ environment: 'staging', phases: ['base'] }).expect(409);
    expect(refused.body.message).toBe(
      `environment staging already has an active deployment (${dry.body.id}, queued, a check-mode run requested by release-bot); wait for it or cancel it`,
    );
    const staging = await t.http().get('/api/v1/deployments?environment=staging').set(bearer(ADMIN_TOKEN)).expect(200);
    expect(staging.body.map((d: { id: string }) => d.id)).toEqual([dry.body.id]);
    const all = await t.http().get('/api/v1/deployments?status=queued&limit=1').set(bearer(ADMIN_TOKEN)).expect(200);
    expect(all.body).toHaveLength(1);
    await t.http().get('/api/v1/deployments?status=succeeded').set(bearer(ADMIN_TOKEN)).expect(200, []);
    const bad = await t.http().get('/api/v1/deployments?limit=0&status=done').set(bearer(ADMIN_TOKEN)).expect(400);
    expect(bad.body.reasons.join('\n')).toMatch(/limit must not be less than 1/);
    expect(bad.body.reasons.join('\n')).toMatch(/status must be one of/);
  });

  it('cancels a queued deployment, and retries only from failed or cancelled', async () => {
    const [deployment] = (await t.http().get('/api/v1/deployments?environment=staging').set(bearer(ADMIN_TOKEN)).expect(200)).body;
    const early = await t.http().post(`/api/v1/deployments/${deployment.id}/retry`).set(bearer(operator)).expect(409);
    expect(early.body.message).toMatch(/only a failed or cancelled deployment can be retried/);

    const cancelled = await t.http().post(`/api/v1/deployments/${deployment.id}/cancel`).set(bearer(operator)).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    await t.http().post(`/api/v1/deployments/${deployment.id}/cancel`).set(bearer(operator)).expect(409);

    const retried = await t.http().post(`/api/v1/deployments/${deployment.id}/retry`).set(bearer(operator)).expect(200);
    expect(retried.body.status).toBe('queued');
    const audit = await t.db.prisma.auditEvent.findMany({ where: { target: deployment.id }, orderBy: { at: 'asc' } });
    expect(audit.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'release-bot deployment.create',
      'release-bot deployment.cancel',
      'release-bot deployment.retry',
    ]);

    const viewer = (await createToken(t, 'watcher', 'viewer')).token;
    await t.http().post(`/api/v1/deployments/${deployment.id}/cancel`).set(bearer(viewer)).expect(403);
  });
});

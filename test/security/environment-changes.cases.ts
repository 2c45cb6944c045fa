/**
 * An environment cannot change under a deployment (issue 9, item 8): PUT answers 409 while one is
 * queued or running, since later phases would plan with the new values. Environments can be
 * deleted by an admin, not while active; their nodes and secrets go with them, and it is audited.
 */
import request from 'supertest';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { commandRunbook, finished } from '../engine/support/engine-fixtures.js';
import { environmentBody } from '../api/api-test-app.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('environment-changes', () => {
  const ADMIN = 'environment-changes-admin-token-0123456789';
  const sessions = new LocalSessionFactory();
  let t: TestApp;
  let operator: string;

  /** Holds the running step until released: the deployment is "running" meanwhile. */
  let release: () => void = () => {};
  let started: Promise<void> = Promise.resolve();
  function holdNextStep(): void {
    let markStarted: () => void = () => {};
    started = new Promise((resolve) => (markStarted = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    sessions.beforeRun = async () => {
      sessions.beforeRun = undefined;
      markStarted();
      await gate;
    };
  }

  const http = () => request(t.app.getHttpServer());
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startTestApp({
      sessionFactory: sessions,
      catalog: RunbookCatalog.of([commandRunbook('hold', [{ key: 'p', steps: ['echo held', 'echo done'] }])]),
      env: { OPSPRINT_ADMIN_TOKEN: ADMIN },
    });
    operator = (await http().post('/api/v1/tokens').set(as(ADMIN)).send({ name: 'an operator', role: 'operator' }).expect(201)).body.token;
  });
  afterAll(async () => {
    release();
    await t?.close();
  });

  async function runningDeployment(environment: string): Promise<string> {
    holdNextStep();
    const created = await http().post('/api/v1/deployments').set(as(operator)).send({ environment, runbook: 'hold' }).expect(201);
    await started;
    return created.body.id;
  }

  describe('changing an environment while it deploys', () => {
    it('PUT answers 409 while a deployment runs, naming it, and changes nothing; once it finished it is accepted', async () => {
      const body = environmentBody('busy', { RABBIT_PASS: 'Rabbit-pass-before-1' });
      await http().post('/api/v1/environments').set(as(operator)).send(body).expect(201);
      const before = await t.db.prisma.environment.findUniqueOrThrow({ where: { name: 'busy' }, include: { secrets: true } });
      const id = await runningDeployment('busy');
      const { name: _name, ...update } = { ...body, description: 'changed', secrets: { RABBIT_PASS: 'Rabbit-pass-after-22' } };

      const refused = await http().put('/api/v1/environments/busy').set(as(operator)).send(update);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe(
        `environment busy has an active deployment (${id}, running); wait for it or cancel it before changing or deleting the environment`,
      );
      const after = await t.db.prisma.environment.findUniqueOrThrow({ where: { name: 'busy' }, include: { secrets: true } });
      expect(after).toEqual(before);

      release();
      expect((await finished(t.db.prisma, id)).status).toBe('succeeded');
      const accepted = await http().put('/api/v1/environments/busy').set(as(operator)).send(update).expect(200);
      expect(accepted.body.description).toBe('changed');
    });
  });

  describe('DELETE /api/v1/environments/:name', () => {
    it('is for admins only, 409 while a deployment runs, and takes nodes, secrets and history with it, audited', async () => {
      await http().post('/api/v1/environments').set(as(operator)).send(environmentBody('doomed')).expect(201);
      const { id } = await t.db.prisma.environment.findUniqueOrThrow({ where: { name: 'doomed' } });
      expect(await t.db.prisma.secret.count({ where: { environmentId: id } })).toBeGreaterThan(10);

      expect((await http().delete('/api/v1/environments/doomed').set(as(operator))).status).toBe(403);
      const deploymentId = await runningDeployment('doomed');
      const busy = await http().delete('/api/v1/environments/doomed').set(as(ADMIN));
      expect(busy.status).toBe(409);
      expect(busy.body.message).toContain(deploymentId);
      expect(await t.db.prisma.environment.count({ where: { id } })).toBe(1);

      release();
      await finished(t.db.prisma, deploymentId);
      await http().delete('/api/v1/environments/doomed').set(as(ADMIN)).expect(204);
      await http().get('/api/v1/environments/doomed').set(as(ADMIN)).expect(404);
      expect({
        environments: await t.db.prisma.environment.count({ where: { id } }),
        nodes: await t.db.prisma.node.count({ where: { environmentId: id } }),
        secrets: await t.db.prisma.secret.count({ where: { environmentId: id } }),
        deployments: await t.db.prisma.deployment.count({ where: { environmentId: id } }),
      }).toEqual({ environments: 0, nodes: 0, secrets: 0, deployments: 0 });
      const audit = await t.db.prisma.auditEvent.findFirst({ where: { action: 'environment.delete', target: 'doomed' } });
      expect(audit?.detail).toEqual({
        nodes: expect.any(Array),
        secrets: expect.arrayContaining(['ADMIN_PASS', 'SSH_PRIVATE_KEY']),
        deployments: 1,
      });
      expect((await http().delete('/api/v1/environments/doomed').set(as(ADMIN))).status).toBe(404);
    });
  });
});

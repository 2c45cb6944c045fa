import { ADMIN_TOKEN, bearer, createToken, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';

describe('runbooks', () => {
  let t: ApiTestApp;
  let viewer: string;
  const secrets = {
    ADMIN_PASS: 'Preview-admin-pass-77',
    RABBIT_PASS: 'Preview-rabbit-pass-77',
    KEYSTONE_DBPASS: 'Preview-keystone-db-77',
    ADMIN_TOKEN: 'Preview-admin-token-77',
  };

  beforeAll(async () => {
    t = await startApiApp();
    viewer = (await createToken(t, 'reader', 'viewer')).token;
    await t.http().post('/api/v1/environments').set(bearer(ADMIN_TOKEN)).send(environmentBody('lab', secrets)).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('/api/v1/runbooks', () => {
    it('lists the runbooks with their phases', async () => {
      const response = await t.http().get('/api/v1/runbooks').set(bearer(viewer)).expect(200);
      const [liberty] = response.body;
      expect(liberty).toMatchObject({ key: 'openstack-liberty' });
      const keystone = liberty.phases.find((p: { key: string }) => p.key === 'keystone');
      expect(keystone).toMatchObject({ on: ['controller'], dependsOn: expect.arrayContaining(['mariadb']) });
      expect(keystone.stories).toBeGreaterThan(0);
    });

    it('shows phases → stories → steps, with file and verify details', async () => {
      const response = await t.http().get('/api/v1/runbooks/openstack-liberty').set(bearer(viewer)).expect(200);
      const steps = response.body.phases.flatMap((p: { stories: Array<{ steps: unknown[] }> }) => p.stories.flatMap((s) => s.steps));
      const keystoneConf = steps.find((s: { path?: string }) => s.path === '/etc/keystone/keystone.conf');
      expect(keystoneConf).toMatchObject({ kind: 'file', language: 'ini', mode: expect.any(String), owner: expect.any(String) });
      const verify = steps.find((s: { kind: string }) => s.kind === 'verify');
      expect(verify).toMatchObject({ format: expect.stringMatching(/^(table|fieldValue|ports)$/) });
      expect(verify.expectations.length).toBeGreaterThan(0);
      await t.http().get('/api/v1/runbooks/nope').set(bearer(viewer)).expect(404);
    });

    it('previews the plan for an environment with every secret masked', async () => {
      const response = await t
        .http()
        .get('/api/v1/runbooks/openstack-liberty/preview?environment=lab&phases=mariadb,keystone')
        .set(bearer(viewer))
        .expect(200);
      expect(response.body.phases.map((p: { key: string }) => p.key)).toEqual(['mariadb', 'keystone']);
      const keystone = response.body.phases[1];
      const conf = keystone.steps.find((s: { file?: { path: string } }) => s.file?.path === '/etc/keystone/keystone.conf');
      expect(conf.node).toBe('linux-node1.example.com');
      expect(conf.file.content).toMatch(/connection = mysql:\/\/keystone:\*{8}@192\.168\.56\.11\/keystone/);
      expect(response.body.text).toContain('== keystone');
      for (const value of Object.values(secrets)) expect(response.text).not.toContain(value);
      expect(response.text).toContain('********');
    });

    it('answers 400 with reasons for planning errors and an unknown environment', async () => {
      const phases = await t
        .http()
        .get('/api/v1/runbooks/openstack-liberty/preview?environment=lab&phases=keystone,warp-drive')
        .set(bearer(viewer))
        .expect(400);
      expect(phases.body.reasons).toEqual([expect.stringMatching(/^unknown phase "warp-drive"/)]);
      const environment = await t
        .http()
        .get('/api/v1/runbooks/openstack-liberty/preview?environment=nowhere')
        .set(bearer(viewer))
        .expect(400);
      expect(environment.body.reasons).toEqual(['environment: environment nowhere does not exist']);
      const missing = await t.http().get('/api/v1/runbooks/openstack-liberty/preview').set(bearer(viewer)).expect(400);
      expect(missing.body.reasons.join('\n')).toMatch(/environment must be a string/);
    });
  });

  describe('OpenAPI', () => {
    it('documents every /api/v1 route with the bearer scheme and DTO schemas', async () => {
      const response = await t.http().get('/api/docs-json').expect(200);
      const doc = response.body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/tokens',
          '/api/v1/tokens/{id}',
          '/api/v1/environments',
          '/api/v1/environments/{name}',
          '/api/v1/runbooks',
          '/api/v1/runbooks/{key}',
          '/api/v1/runbooks/{key}/preview',
          '/api/v1/deployments',
          '/api/v1/deployments/{id}',
          '/api/v1/deployments/{id}/cancel',
          '/api/v1/deployments/{id}/retry',
          '/api/v1/deployments/{id}/steps/{stepRunId}/output',
          '/api/v1/deployments/{id}/logs/stream',
        ]),
      );
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.paths['/api/v1/deployments'].post.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/api/v1/deployments'].post.tags).toEqual(['deployments']);
      expect(doc.components.schemas.CreateEnvironmentDto.required).toEqual(expect.arrayContaining(['name', 'network', 'nodes']));
      expect(doc.components.schemas.CreateDeploymentDto.properties).toHaveProperty('phases');
      const ui = await t.http().get('/api/docs/').expect(200);
      expect(ui.text).toContain('swagger');
    });
  });
});

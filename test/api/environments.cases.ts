import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { ADMIN_TOKEN, bearer, createToken, environmentBody, startApiApp, type ApiTestApp } from './api-test-app.js';

describe('environments', () => {
  let t: ApiTestApp;
  let operator: string;
  beforeAll(async () => {
    t = await startApiApp();
    operator = (await createToken(t, 'env-operator', 'operator')).token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const ADMIN_PASS = 'Adm1n-pass-for-api-test';

  describe('/api/v1/environments', () => {
    it('creates an environment and never returns a secret value, on create, get or list', async () => {
      const body = environmentBody('lab', { ADMIN_PASS });
      const created = await t.http().post('/api/v1/environments').set(bearer(operator)).send(body).expect(201);
      expect(created.body).toMatchObject({
        name: 'lab',
        nodes: [{ name: 'linux-node1.example.com' }, { name: 'linux-node2.example.com' }],
      });
      expect(created.body.secrets).toEqual(expect.arrayContaining(['ADMIN_PASS', 'SSH_PRIVATE_KEY', 'RABBIT_PASS']));

      const got = await t.http().get('/api/v1/environments/lab').set(bearer(ADMIN_TOKEN)).expect(200);
      const listed = await t.http().get('/api/v1/environments').set(bearer(ADMIN_TOKEN)).expect(200);
      for (const text of [created.text, got.text, listed.text]) {
        expect(text).not.toContain(ADMIN_PASS);
        expect(text).not.toContain(body.secrets.SSH_PRIVATE_KEY.split('\n')[1]);
        expect(text).not.toContain('PRIVATE KEY-----');
      }
      // The 14 runbook secrets (13 generated) and the SSH key, by name only.
      expect(got.body.secrets).toHaveLength(15);

      const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'environment.create', target: 'lab' } });
      expect(audit.actor).toBe('env-operator');
      expect(JSON.stringify(audit.detail)).not.toContain(ADMIN_PASS);
    });

    it('answers 400 naming each bad field (bad IP, no controller) and creates nothing', async () => {
      const body = environmentBody('broken');
      body.nodes[0] = { ...body.nodes[0], managementIp: '300.1.1.1', roles: ['compute'] };
      const response = await t.http().post('/api/v1/environments').set(bearer(operator)).send(body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^nodes\[0\]\.managementIp: "300\.1\.1\.1" is not an IPv4 address/),
          'nodes: exactly one node must have role controller (found 0)',
        ]),
      );
      expect(await t.db.prisma.environment.count({ where: { name: 'broken' } })).toBe(0);
      await t.http().get('/api/v1/environments/broken').set(bearer(ADMIN_TOKEN)).expect(404);
    });

    it('takes package repositories and the image checksum as settings, and names a bad repository URL', async () => {
      const body = environmentBody('mirrored');
      const repositories = [
        {
          id: 'base',
          name: 'CentOS 7.9 (dc1)',
          baseUrl: 'http://mirror.dc1/centos/7.9.2009/os/$basearch/',
          gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
        },
        { id: 'liberty', name: 'RDO Liberty (dc1)', baseUrl: 'http://mirror.dc1/openstack-liberty/' },
      ];
      const created = await t
        .http()
        .post('/api/v1/environments')
        .set(bearer(operator))
        .send({ ...body, network: { ...body.network, repositories, imageChecksum: 'md5:ee1eca47dc88f4879d8a229cc70a07c6' } })
        .expect(201);
      expect(created.body.network).toMatchObject({ repositories, imageChecksum: 'md5:ee1eca47dc88f4879d8a229cc70a07c6' });

      const bad = environmentBody('badmirror');
      const response = await t
        .http()
        .post('/api/v1/environments')
        .set(bearer(operator))
        .send({ ...bad, network: { ...bad.network, repositories: [{ id: 'base', name: 'x', baseUrl: 'mirror.dc1/centos; reboot' }] } })
        .expect(400);
      expect(response.body.reasons).toEqual([
        'network.repositories[0].baseUrl: "mirror.dc1/centos; reboot" is not an http(s)://, ftp:// or file:// URL',
      ]);
    });

    it('rejects a wrongly shaped body with the field path, before the service', async () => {
      const body = environmentBody('shape') as Record<string, unknown>;
      const nodes = body.nodes as Array<Record<string, unknown>>;
      nodes[1] = { ...nodes[1], ssh: { host: 'x', port: 'twenty-two', user: 'root' } };
      const response = await t
        .http()
        .post('/api/v1/environments')
        .set(bearer(operator))
        .send({ ...body, secrets: { ADMIN_PASS: 42 }, color: 'red' })
        .expect(400);
      const reasons = response.body.reasons.join('\n');
      expect(reasons).toMatch(/nodes\.1\.ssh\.port must be an integer/);
      expect(reasons).toMatch(/secrets must map each secret name to a string/);
      expect(reasons).toMatch(/property color should not exist/);
      expect(await t.db.prisma.environment.count({ where: { name: 'shape' } })).toBe(0);
    });

    it('updates an environment (operator) keeping secrets not given, and audits by name only', async () => {
      const environments = t.app.get(EnvironmentsService);
      const before = await environments.loadForDeployment({ name: 'lab' });
      const { name: _name, secrets: _secrets, ...update } = environmentBody('lab');
      const newPass = 'N3w-admin-pass-after-update';
      const response = await t
        .http()
        .put('/api/v1/environments/lab')
        .set(bearer(operator))
        .send({ ...update, description: 'updated', secrets: { ADMIN_PASS: newPass } })
        .expect(200);
      expect(response.body.description).toBe('updated');
      expect(response.text).not.toContain(newPass);
      const after = await environments.loadForDeployment({ name: 'lab' });
      expect(after.secrets.ADMIN_PASS).toBe(newPass);
      expect(after.secrets.RABBIT_PASS).toBe(before.secrets.RABBIT_PASS);
      expect(after.sshPrivateKey).toBe(before.sshPrivateKey);
      const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'environment.update', target: 'lab' } });
      expect(audit.detail).toMatchObject({ secretsReplaced: ['ADMIN_PASS'] });
      expect(JSON.stringify(audit.detail)).not.toContain(newPass);
    });

    it('refuses create/update to a viewer', async () => {
      const viewer = (await createToken(t, 'env-viewer', 'viewer')).token;
      await t.http().post('/api/v1/environments').set(bearer(viewer)).send(environmentBody('viewer-env')).expect(403);
      await t.http().get('/api/v1/environments').set(bearer(viewer)).expect(200);
    });
  });
});

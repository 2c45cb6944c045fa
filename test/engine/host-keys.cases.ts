import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile, stepsByKey } from './support/engine-fixtures.js';

describe('host-keys', () => {
  const TOUCHED = '/var/tmp/touched.log';
  const touch = commandRunbook('touch', [{ key: 'touch', steps: [`echo touched >> ${TOUCHED}`] }]);
  // A well-formed fingerprint that no lab node has.
  const WRONG_FINGERPRINT = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;

  let lab: Lab;
  let t: TestApp;
  let deployments: DeploymentsService;

  beforeAll(async () => {
    lab = await startLab({ computeNodes: 1 });
    t = await startTestApp({ catalog: new Map([[touch.key, touch]]) });
    deployments = t.app.get(DeploymentsService);
  });
  afterAll(async () => {
    await t?.close();
    await lab?.stop();
  });

  async function deploy(environment: string) {
    const created = await deployments.create({ environment, runbook: touch.key, trigger: 'api', requester: 'test' });
    return { done: await finished(t.db.prisma, created.id), steps: await stepsByKey(t.db.prisma, created.id) };
  }

  describe('host key checking', () => {
    it('refuses a node whose key differs from the pinned fingerprint, before running anything', async () => {
      await createLabEnvironment(t, lab, { name: 'wrong-key', fingerprint: () => WRONG_FINGERPRINT });
      const { done, steps } = await deploy('wrong-key');
      expect(done.status).toBe('failed');
      expect(done.error).toContain(CONTROLLER);
      const step = steps.get('touch-s1')!;
      expect(step.status).toBe('failed');
      expect(step.stderr).toMatch(/host key/i);
      expect(step.stderr).toContain(WRONG_FINGERPRINT);
      expect(step.stderr).toContain(lab.nodes[0].ssh.hostKeyFingerprint);
      expect(await readLabFile(lab, CONTROLLER, TOUCHED)).toBe('');
    });

    it('refuses an unpinned node when trust on first use is off', async () => {
      await createLabEnvironment(t, lab, { name: 'unpinned', fingerprint: () => undefined, trustOnFirstUse: false });
      const { done, steps } = await deploy('unpinned');
      expect(done.status).toBe('failed');
      expect(steps.get('touch-s1')!.stderr).toMatch(/no host key fingerprint pinned/);
      expect(await readLabFile(lab, CONTROLLER, TOUCHED)).toBe('');
    });

    it('with trust on first use, connects to an unpinned node and pins the key it presented', async () => {
      await createLabEnvironment(t, lab, { name: 'tofu', fingerprint: () => undefined, trustOnFirstUse: true });
      const { done } = await deploy('tofu');
      expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
      expect(await readLabFile(lab, CONTROLLER, TOUCHED)).toBe('touched\n');

      const nodes = await t.db.prisma.node.findMany({ where: { environment: { name: 'tofu' } }, orderBy: { name: 'asc' } });
      // Only the controller was contacted, so only its key is pinned.
      expect(nodes.map((n) => [n.name, n.hostKeyFingerprint])).toEqual([
        [CONTROLLER, lab.nodes[0].ssh.hostKeyFingerprint],
        [lab.nodes[1].name, null],
      ]);
    });
  });
});

import type { StepRun } from '@prisma/client';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { SECRET_NAMES, type Secrets } from '../../src/runbooks/model.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createLabEnvironment, finished } from './support/engine-fixtures.js';
import { expectFullDeployment } from './support/full-deployment.js';
import { snapshotHosts } from './support/host-snapshot.js';

const describeStep = (s: StepRun) => `${s.node} ${s.stepKey} ${s.status} ${s.exitCode}\n${s.command}\n${s.stdout}\n${s.stderr}`;

/**
 * The whole OpenStack Liberty runbook on the strict lab (a minimal CentOS 7 per node, the CentOS
 * vault as repository) with three compute nodes, logged in as a cloud image's `centos` user going
 * through sudo: it succeeds, a second run finds nothing to change, and after every secret of the
 * environment is changed a third run applies the new ones everywhere. Root with three compute
 * nodes (in check mode, and twice for real) is test/engine/dry-run-idempotence.spec.ts. One compute
 * node is a subset of three for both logins (each compute node is configured alike), and is what
 * most other lab tests run as root.
 *
 * One lab through four deployments, in order: each test starts from the state the previous one left.
 */
const computes = 3;
let lab: Lab;
let t: TestApp;

beforeAll(async () => {
  lab = await startLab({ computeNodes: computes, sudoUser: { name: 'centos', policy: 'nopasswd' } });
  t = await startTestApp();
  await createLabEnvironment(t, lab);
});
afterAll(async () => {
  await t?.close();
  await lab?.stop();
});

async function deploy() {
  const created = await t.app.get(DeploymentsService).create({ environment: 'lab', trigger: 'api', requester: 'test' });
  const done = await finished(t.db.prisma, created.id, 300_000);
  const steps = await t.db.prisma.stepRun.findMany({ where: { deploymentId: created.id } });
  return { done, steps };
}

async function runbookSecrets(): Promise<Secrets> {
  const { secrets } = await t.app.get(EnvironmentsService).loadForDeployment({ name: 'lab' });
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, secrets[name]])) as Secrets;
}

/** Where on the hosts (files, MariaDB and RabbitMQ accounts, Keystone users) a value is still found. */
async function whereFound(value: string): Promise<string[]> {
  const places: string[] = [];
  const state = JSON.stringify(await snapshotHosts(lab), null, 1).split('\n');
  for (const [i, line] of state.entries()) if (line.includes(value)) places.push(`snapshot line ${i}: ${line.trim().slice(0, 160)}`);
  return places;
}

describe('the full runbook as centos (NOPASSWD sudo) with 3 compute nodes', () => {
  it('runs every phase over SSH on every node and every verification passes', async () => {
    expect(lab.nodes.map((n) => n.ssh.user)).toEqual(Array(computes + 1).fill('centos'));
    const { done, steps } = await deploy();
    expectFullDeployment(lab, done, steps);
  }, 360_000);

  it('a second run reports every step ok', async () => {
    const { done, steps } = await deploy();
    expect({ status: done.status, error: done.error }).toEqual({ status: 'succeeded', error: null });
    expect(steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
  }, 360_000);
});

describe('changing the secrets of a deployed environment and deploying again', () => {
  it('applies every new secret everywhere it is used and leaves the old ones nowhere', async () => {
    const before = await runbookSecrets();
    for (const name of SECRET_NAMES) expect({ name, found: (await whereFound(before[name])).length > 0 }).toEqual({ name, found: true });

    const after = generateSecrets();
    const environments = t.app.get(EnvironmentsService);
    const current = await environments.get('lab');
    await environments.update('lab', { network: current.network, nodes: current.nodes, secrets: after });

    const rotated = await deploy();
    expect({
      error: rotated.done.error,
      failed: rotated.steps.filter((s) => !['ok', 'changed'].includes(s.status)).map(describeStep),
    }).toEqual({
      error: null,
      failed: [],
    });
    // Every verification passed with the new values: tokens for every user, services up, agents alive, the instance reaching metadata.
    expect(rotated.steps.filter((s) => s.kind === 'verify').every((s) => s.status === 'ok')).toBe(true);
    for (const name of SECRET_NAMES) {
      expect({ name, stillFound: await whereFound(before[name]) }).toEqual({ name, stillFound: [] });
      expect({ name, found: (await whereFound(after[name])).length > 0 }).toEqual({ name, found: true });
    }
    // The accounts themselves, not only the files: each logs in with the new secret.
    const controller = lab.hosts.get('linux-node1.example.com')!;
    expect(controller.mysql.loginPassword('root')).toBe(after.MYSQL_ROOT_PASS);
    expect(controller.mysql.canLogin('nova', after.NOVA_DBPASS, 'nova')).toBe(true);
    expect(controller.rabbit.users.get('openstack')?.password).toBe(after.RABBIT_PASS);
    const users = Object.fromEntries([...lab.cloud.keystone.users.values()].map((u) => [u.name, u.password]));
    expect(users).toEqual({
      admin: after.ADMIN_PASS,
      demo: after.DEMO_PASS,
      glance: after.GLANCE_PASS,
      nova: after.NOVA_PASS,
      neutron: after.NEUTRON_PASS,
    });
  }, 360_000);

  it('a run after the change reports every step ok', async () => {
    const third = await deploy();
    expect({ status: third.done.status, error: third.done.error }).toEqual({ status: 'succeeded', error: null });
    expect(third.steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
  }, 360_000);
});

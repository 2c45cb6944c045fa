import type { StepRun } from '@prisma/client';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { SECRET_NAMES, type Secrets } from '../../src/runbooks/model.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createLabEnvironment, finished } from './support/engine-fixtures.js';
import { snapshotHosts } from './support/host-snapshot.js';

const describeStep = (s: StepRun) => `${s.node} ${s.stepKey} ${s.status} ${s.exitCode}\n${s.command}\n${s.stdout}\n${s.stderr}`;

let lab: Lab;
let t: TestApp;

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
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

describe('changing the secrets of a deployed environment and deploying again', () => {
  it('applies every new secret everywhere it is used and leaves the old ones nowhere', async () => {
    const first = await deploy();
    expect({ status: first.done.status, error: first.done.error }).toEqual({ status: 'succeeded', error: null });
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

    const third = await deploy();
    expect(third.steps.filter((s) => s.status !== 'ok').map(describeStep)).toEqual([]);
  }, 900_000);
});

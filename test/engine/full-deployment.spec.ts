import type { PrismaClient } from '@prisma/client';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

let lab: Lab;
let t: TestApp;

beforeAll(async () => {
  lab = await startLab({ computeNodes: 1 });
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
  await lab?.stop();
});

async function finished(db: PrismaClient, id: string) {
  return eventually(
    async () => {
      const d = await db.deployment.findUnique({ where: { id } });
      return d?.finishedAt ? d : undefined;
    },
    240_000,
    250,
  );
}

describe('a full deployment of the OpenStack Liberty runbook on lab nodes', () => {
  it('runs every phase over SSH and every verification passes', async () => {
    const environments = t.app.get(EnvironmentsService);
    const deployments = t.app.get(DeploymentsService);
    const inventory = labInventory(lab);
    await environments.create({
      name: 'lab',
      network: inventory.network,
      nodes: inventory.nodes,
      secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! },
    });

    const created = await deployments.create({ environment: 'lab', trigger: 'api', requester: 'test' });
    const done = await finished(t.db.prisma, created.id);
    const failed = await t.db.prisma.stepRun.findMany({
      where: { deploymentId: created.id, status: { notIn: ['ok', 'changed', 'pending'] } },
    });
    expect({
      error: done.error,
      failed: failed.map((s) => `${s.node} ${s.stepKey} ${s.status} ${s.exitCode}\n${s.command}\n${s.stdout}\n${s.stderr}`),
    }).toEqual({ error: null, failed: [] });
    expect(done.status).toBe('succeeded');

    // The Linux bridge agent moved the controller's address onto the provider bridge while the subnet
    // was created (the DHCP port), cutting the session: the executor reconnected and confirmed the subnet.
    const subnet = await t.db.prisma.stepRun.findFirstOrThrow({ where: { deploymentId: created.id, stepKey: 'subnet-create' } });
    expect({ status: subnet.status, attempt: subnet.attempt }).toEqual({ status: 'changed', attempt: 1 });
    expect(subnet.stdout).toContain("dropped while this ran; reconnected, and the step's probe confirms the change took effect");
    expect([...lab.hosts.get('linux-node1.example.com')!.bridges.values()]).toEqual([expect.stringMatching(/^brq[0-9a-f-]{11}$/)]);
  });
});

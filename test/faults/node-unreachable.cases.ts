import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { JobQueue } from '../../src/infra/queue/job-queue.js';
import { JOBS } from '../../src/infra/queue/jobs.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import type { Runbook } from '../../src/runbooks/model.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { commandRunbook, readLabFile } from '../engine/support/engine-fixtures.js';
import { atlassianEnv, settled } from '../integrations/flow-support.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { afterFault } from './support/fault-flow.js';

describe('node-unreachable', () => {
  const COMPUTE = 'linux-node2.example.com';
  const LOG = '/var/tmp/unreachable.log';
  // Two independent phases, one per node: the controller's must not notice that the compute node is gone.
  const fixture = commandRunbook('unreachable', [
    { key: 'control', steps: [`echo c1 >> ${LOG}`, `echo c2 >> ${LOG}`] },
    { key: 'compute', steps: [`echo n1 >> ${LOG}`] },
  ]);
  const runbook: Runbook = { ...fixture, phases: fixture.phases.map((p) => (p.key === 'compute' ? { ...p, on: ['compute'] } : p)) };

  let sandbox: AtlassianSandbox;
  let lab: Lab;
  let t: TestApp;
  let closedPort: number;

  beforeAll(async () => {
    sandbox = await startAtlassianSandbox();
    lab = await startLab({ computeNodes: 1 });
    // A port nothing listens on: connecting is refused, as with a node that is down or firewalled.
    closedPort = await freePort();
    // A short PHASE_RETRY_DELAY_MS: the four attempts wait 1.75 s in all instead of 14 s.
    t = await startTestApp({ catalog: new Map([[runbook.key, runbook]]), env: { ...atlassianEnv(sandbox), PHASE_RETRY_DELAY_MS: '250' } });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  describe('a node whose SSH endpoint is unreachable', () => {
    it("fails that node's phase with a reason naming the host; the other node's phase is unaffected", async () => {
      // The compute node's inventory entry points at a closed port (the fingerprint stays the real node's).
      const inventory = labInventory(lab, { environment: 'down' });
      for (const node of inventory.nodes) if (node.name === COMPUTE) node.ssh.port = closedPort;
      await t.app.get(EnvironmentsService).create({
        name: 'down',
        network: inventory.network,
        nodes: inventory.nodes,
        secrets: { SSH_PRIVATE_KEY: lab.clientPrivateKey! },
      });

      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'down', runbook: runbook.key, trigger: 'api', requester: 'test' });
      await settled(t, created.id);

      const after = await afterFault(t.db.prisma, created.id, lab, LOG, sandbox, 'down');
      expect(after.deployment.status).toBe('failed');
      // The failure says which host could not be reached, and where.
      expect(after.deployment.error).toMatch(
        new RegExp(
          `^step "compute step 1" \\(compute-s1\\) failed on ${COMPUTE}: .*cannot connect: connect ECONNREFUSED 127\\.0\\.0\\.1:${closedPort}$`,
        ),
      );
      expect(after.steps).toEqual([
        ['control-s1', 'changed', 1],
        ['control-s2', 'changed', 1],
        // Tried once per attempt of the phase job (connecting is retried with backoff), then failed.
        ['compute-s1', 'failed', JOBS['deployments:run-phase'].options.attempts],
      ]);
      // The waits between those attempts start at PHASE_RETRY_DELAY_MS (250 here, 2000 by default).
      const [computeJob] = (await t.app.get(JobQueue).jobs('deployments', ['completed', 'failed'])).filter(
        (job) =>
          (job.data as { deploymentId: string; phaseKey: string }).deploymentId === created.id &&
          job.name === 'deployments:run-phase' &&
          (job.data as { phaseKey: string }).phaseKey === 'compute',
      );
      expect(computeJob.backoff).toEqual({ type: 'exponential', delay: 250 });
      // The controller ran its steps once; nothing reached the compute node.
      expect(after.hostLog).toEqual(['c1', 'c2']);
      expect(await readLabFile(lab, COMPUTE, LOG)).toBe('');
      expect(after.jira).toMatchObject({ 'phase control': 'Done', 'story of control': 'Done' });
      // The failed phase's story is Blocked (with the reason as a comment), never Done.
      expect(after.jira['story of compute']).toBe('Blocked');
      expect(after.jira['phase compute']).not.toBe('Done');
      const story = [...sandbox.jira.state.issues.values()].find(
        (issue) => issue.summary === 'story of compute' && issue.labels.includes('env-down'),
      );
      expect(story!.comments.map((comment) => comment.body).join('\n')).toContain(
        `${COMPUTE} (root@127.0.0.1:${closedPort}): cannot connect`,
      );

      const page = sandbox.confluence.pages().find((p) => p.title === 'down — phase compute');
      // The phase page shows the failure, on which node, and why.
      expect(page?.body).toContain(`Failed: compute step 1 on ${COMPUTE}`);
      expect(page?.body).toContain(`${COMPUTE} (root@127.0.0.1:${closedPort}): cannot connect: connect ECONNREFUSED`);
    }, 90_000);
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import type { WebhookDelivery } from '../../lab/atlassian/jira/webhook-dispatcher.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished } from '../engine/support/engine-fixtures.js';
import { ensureWorkerBuilt, WorkerProcesses } from '../engine/support/worker-process.js';
import { sandboxGateway } from '../integrations/jira/jira-fixtures.js';
import { atlassianEnv, settled, WEBHOOK_SECRET } from '../integrations/flow-support.js';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually, startTestApp, TEST_REDIS_URL, type TestApp } from '../support/test-app.js';
import { afterFault } from './support/fault-flow.js';

const LOG = '/var/tmp/webhook-restart.log';
// Keyed like the default runbook, which a JIRA request deploys: one cheap phase per case.
const runbook = commandRunbook('openstack-liberty', [
  { key: 'first', steps: [`echo a1 >> ${LOG}`, `echo a2 >> ${LOG}`] },
  { key: 'second', steps: [`echo b1 >> ${LOG}`] },
]);

const secretKey = randomBytes(32).toString('hex');
let sandbox: AtlassianSandbox;
let lab: Lab;
let t: TestApp;
let api: WorkerProcesses;
let port: number;
let locks: pg.Client;
let rowLocks: pg.Client;
/** Outside any transaction: pg_stat_activity is read once per transaction, and the lock holders are in one. */
let watcher: pg.Client;

beforeAll(async () => {
  await ensureWorkerBuilt();
  sandbox = await startAtlassianSandbox();
  lab = await startLab({ computeNodes: 1 });
  // The workers (engine, JIRA, Confluence) run here; the API that receives the webhook is a child process the test kills.
  // The reconciler here queues the job of a deployment whose API process died before queueing it.
  const env = {
    ...atlassianEnv(sandbox),
    OPSPRINT_SECRET_KEY: secretKey,
    JIRA_POLL_INTERVAL_SECONDS: '3600',
    RECONCILE_INTERVAL_MS: '500',
  };
  t = await startTestApp({ catalog: new Map([[runbook.key, runbook]]), env });
  await createLabEnvironment(t, lab);
  port = await freePort();
  api = new WorkerProcesses(t, secretKey, [runbook], { script: 'test/faults/support/fixture-api.mjs', ready: 'OpSprint API listening' });
  sandbox.jira.webhooks.register({ url: `http://127.0.0.1:${port}/webhooks/jira`, secret: WEBHOOK_SECRET });
  locks = new pg.Client({ connectionString: t.db.url });
  rowLocks = new pg.Client({ connectionString: t.db.url });
  watcher = new pg.Client({ connectionString: t.db.url });
  await Promise.all([locks.connect(), rowLocks.connect(), watcher.connect()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([locks?.end(), rowLocks?.end(), watcher?.end()]);
  await api?.stopAll();
  await t?.close();
  await sandbox?.stop();
  await lab?.stop();
});

const startApi = (env: Record<string, string> = {}) =>
  api.start({
    ...atlassianEnv(sandbox),
    PORT: String(port),
    OPSPRINT_RUN_WORKERS: 'false',
    JIRA_POLL_INTERVAL_SECONDS: '3600',
    // The delivery the killed process claimed is taken for abandoned a second after its claim.
    JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS: '1',
    ...env,
  });

/** Waits until a statement of the API process matching `pattern` is blocked on a lock this test holds. */
const blockedOn = (pattern: string) =>
  eventually(
    async () => {
      const { rows } = await watcher.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [pattern],
      );
      return rows[0].n > 0 ? true : undefined;
    },
    30_000,
    20,
  );

/** Moves a fresh request epic for `phase` to Ready to Deploy: JIRA sends its signed webhook to the API process. */
async function requestPhase(phase: string): Promise<WebhookDelivery> {
  const gateway = sandboxGateway(sandbox);
  const { key } = await gateway.createIssue({
    project: { key: 'OPS' },
    summary: `Deploy ${phase}`,
    issuetype: { name: 'Epic' },
    labels: ['opsprint', 'env-lab', `phase-${phase}`],
  });
  const transition = (await gateway.listTransitions(key)).find((tr) => tr.to.name === 'Ready to Deploy')!;
  const before = sandbox.jira.webhooks.deliveries.length;
  await gateway.transitionIssue(key, transition.id);
  return eventually(async () => sandbox.jira.webhooks.deliveries[before], 10_000, 10);
}

/** JIRA retries a delivery that got no 2xx (the connection died, or 409 while still claimed) until one is accepted. */
async function jiraRetriesUntilAccepted(delivery: WebhookDelivery): Promise<void> {
  await sandbox.jira.webhooks.settled();
  await eventually(
    async () => {
      await sandbox.jira.webhooks.redeliver(delivery);
      return delivery.outcome === 202 ? true : undefined;
    },
    30_000,
    250,
  );
}

async function deliveryRows(delivery: WebhookDelivery) {
  return t.db.prisma.webhookDelivery.findMany({ where: { deliveryKey: `jira:${delivery.identifier}` } });
}

describe('the API restarted while a JIRA webhook delivery is in flight', () => {
  it('killed before the deployment was created: JIRA’s retry starts it, exactly once', async () => {
    const first = await startApi();
    // The deployment's INSERT waits on this lock: the delivery is claimed, nothing is created yet.
    await locks.query('BEGIN');
    await locks.query('LOCK TABLE "Deployment" IN EXCLUSIVE MODE');
    const delivery = await requestPhase('first');
    await blockedOn('INSERT INTO %"Deployment"%');
    await api.kill(first, 'SIGKILL');
    await locks.query('ROLLBACK');
    expect((await deliveryRows(delivery)).map((row) => row.outcome)).toEqual(['requesting']);

    const restarted = await startApi();
    await jiraRetriesUntilAccepted(delivery);
    // A further retry (JIRA may send one more) is a plain duplicate.
    await sandbox.jira.webhooks.redeliver(delivery);
    expect(delivery.outcome).toBe(202);

    const deployments = await t.db.prisma.deployment.findMany({ where: { trigger: 'jira_webhook' } });
    expect(deployments.map((d) => d.phases)).toEqual([['first']]);
    expect(await deliveryRows(delivery)).toEqual([expect.objectContaining({ outcome: 'requested', deploymentId: deployments[0].id })]);
    await finished(t.db.prisma, deployments[0].id);
    await settled(t, deployments[0].id);
    const after = await afterFault(t.db.prisma, deployments[0].id, lab, LOG, sandbox, 'lab');
    expect(after).toMatchObject({
      deployment: { status: 'succeeded', error: null },
      steps: [
        ['first-s1', 'changed', 1],
        ['first-s2', 'changed', 1],
      ],
      hostLog: ['a1', 'a2'],
      jira: { 'story of first': 'Done' },
    });
    expect(after.confluence).toContain('lab — phase first');
    await api.kill(restarted, 'SIGTERM');
  }, 60_000);

  it('killed after creating the deployment but before recording it: the retry settles the claim with that deployment, none added', async () => {
    await lab.hosts.get(CONTROLLER)!.fs.rm(LOG, { force: true });
    // This API process reaches Redis through a proxy the test can make hang: the deployment's job is
    // never queued, and the process is killed while it waits for Redis, after the deployment was written.
    const redis = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(TEST_REDIS_URL).port || 6379) });
    const first = await startApi({ REDIS_URL: redis.route(TEST_REDIS_URL), REDIS_TIMEOUT_MS: '60000' });
    await locks.query('BEGIN');
    await locks.query('LOCK TABLE "Deployment" IN EXCLUSIVE MODE');
    const delivery = await requestPhase('second');
    await blockedOn('INSERT INTO %"Deployment"%');
    redis.hold();
    await locks.query('COMMIT');
    const created = await eventually(
      async () => {
        const rows = await t.db.prisma.deployment.findMany({ where: { trigger: 'jira_webhook', phases: { equals: ['second'] } } });
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      10,
    );
    await api.kill(first, 'SIGKILL');
    redis.close();
    expect(created).toHaveLength(1);
    expect((await deliveryRows(delivery)).map((row) => [row.outcome, row.deploymentId])).toEqual([['requesting', null]]);

    const restarted = await startApi();
    await jiraRetriesUntilAccepted(delivery);
    expect(await t.db.prisma.deployment.count({ where: { trigger: 'jira_webhook', phases: { equals: ['second'] } } })).toBe(1);
    expect(await deliveryRows(delivery)).toEqual([expect.objectContaining({ outcome: 'requested', deploymentId: created[0].id })]);
    await settled(t, created[0].id);
    const after = await afterFault(t.db.prisma, created[0].id, lab, LOG, sandbox, 'lab');
    expect(after).toMatchObject({
      deployment: { status: 'succeeded', error: null },
      steps: [['second-s1', 'changed', 1]],
      hostLog: ['b1'],
      jira: { 'story of second': 'Done' },
    });
    expect(after.confluence).toContain('lab — phase second');
    await api.kill(restarted, 'SIGTERM');
  }, 60_000);
});

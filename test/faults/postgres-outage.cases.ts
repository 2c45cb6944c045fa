import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, readLabFile } from '../engine/support/engine-fixtures.js';
import { atlassianEnv, settled } from '../integrations/flow-support.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { afterFault } from './support/fault-flow.js';

describe('postgres-outage', () => {
  const LOG = '/var/tmp/pg-outage.log';
  // PostgreSQL goes away while step g2 runs on the host: its result has nowhere to go for a while.
  const runbook = commandRunbook('pg-outage', [
    { key: 'first', steps: [`echo g1 >> ${LOG}`, `echo g2 >> ${LOG}; sleep 1`, `echo g3 >> ${LOG}`] },
    { key: 'second', dependsOn: ['first'], steps: [`echo h1 >> ${LOG}`] },
  ]);
  /** How long PostgreSQL stays away: the fault itself, not a wait for something to happen (longer than JOB_LOCK_MS and several reconciler rounds). */
  const OUTAGE_MS = 5000;

  let db: TestDatabase;
  let proxy: TcpProxy;
  let sandbox: AtlassianSandbox;
  let lab: Lab;
  let t: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.tcpUrl);
    proxy = await TcpProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    sandbox = await startAtlassianSandbox();
    lab = await startLab({ computeNodes: 1 });
    // The service reaches PostgreSQL only through the proxy; the test reads it directly.
    t = await startTestApp({
      databaseUrl: proxy.route(db.tcpUrl),
      catalog: new Map([[runbook.key, runbook]]),
      env: { ...atlassianEnv(sandbox), JOB_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '1000' },
    });
  }, 120_000);
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    proxy?.close();
    await db?.drop();
    await sandbox?.stop();
    await lab?.stop();
  }, 120_000);

  // afterAll's app.close() also checks the service shuts down after the outage: a transaction cut by it
  // used to keep its pooled connection, and $disconnect() waited for it forever (see
  // test/persistence/broken-transactions.spec.ts).
  describe('PostgreSQL unavailable for 5 s in the middle of a phase', () => {
    it('the phase finishes once it is back: each step ran once, nothing lost in the ledger, JIRA or Confluence', async () => {
      await createLabEnvironment({ ...t, db }, lab, { name: 'pg' });
      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'pg', runbook: runbook.key, trigger: 'api', requester: 'test' });
      await eventually(async () => ((await readLabFile(lab, CONTROLLER, LOG)).includes('g2') ? true : undefined), 30_000, 10);
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      proxy.restore();

      await settled({ ...t, db }, created.id, 120_000);
      const after = await afterFault(db.prisma, created.id, lab, LOG, sandbox, 'pg');
      expect(after).toMatchObject({
        deployment: { status: 'succeeded', error: null },
        steps: [
          ['first-s1', 'changed', 1],
          ['first-s2', 'changed', 1],
          ['first-s3', 'changed', 1],
          ['second-s1', 'changed', 1],
        ],
        hostLog: ['g1', 'g2', 'g3', 'h1'],
        jira: { 'phase first': 'Done', 'story of first': 'Done', 'phase second': 'Done', 'story of second': 'Done' },
      });
      expect(after.confluence).toEqual(expect.arrayContaining(['pg — phase first', 'pg — phase second']));
    }, 180_000);
  });
});

import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, readLabFile, stepsByKey } from '../engine/support/engine-fixtures.js';
import { atlassianEnv, settled } from '../integrations/flow-support.js';
import { TestRedisServer } from '../support/redis-server.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';
import { afterFault } from './support/fault-flow.js';

describe('redis-restart', () => {
  const LOG = '/var/tmp/redis-restart.log';
  // Step s2 is where Redis goes away: it runs for two seconds after writing its line.
  const runbook = commandRunbook('redis-restart', [
    { key: 'first', steps: [`echo f1 >> ${LOG}`, `echo f2 >> ${LOG}; sleep 2`, `echo f3 >> ${LOG}`] },
    { key: 'second', dependsOn: ['first'], steps: [`echo n1 >> ${LOG}`] },
  ]);

  let redis: TestRedisServer;
  let sandbox: AtlassianSandbox;
  let lab: Lab;
  let t: TestApp;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    sandbox = await startAtlassianSandbox();
    lab = await startLab({ computeNodes: 1 });
    // Workers in this process, on a Redis of the test's own that it restarts.
    t = await startTestApp({
      redisUrl: redis.url,
      catalog: new Map([[runbook.key, runbook]]),
      env: { ...atlassianEnv(sandbox), JOB_LOCK_MS: '2000', RECONCILE_INTERVAL_MS: '500' },
    });
  }, 120_000);
  afterAll(async () => {
    await redis?.launch();
    await t?.close();
    await redis?.close();
    await sandbox?.stop();
    await lab?.stop();
  });

  async function deployThroughRestart(environment: string, keepData: boolean) {
    await lab.hosts.get(CONTROLLER)!.fs.rm(LOG, { force: true });
    await createLabEnvironment(t, lab, { name: environment });
    const created = await t.app.get(DeploymentsService).create({ environment, runbook: runbook.key, trigger: 'api', requester: 'test' });
    await eventually(
      async () =>
        (await stepsByKey(t.db.prisma, created.id)).get('first-s2')?.status === 'running' &&
        (await readLabFile(lab, CONTROLLER, LOG)).includes('f2')
          ? true
          : undefined,
      30_000,
      25,
    );
    await redis.restart({ keepData });
    await settled(t, created.id);
    return afterFault(t.db.prisma, created.id, lab, LOG, sandbox, environment);
  }

  const EXPECTED = {
    deployment: { status: 'succeeded', error: null },
    steps: [
      ['first-s1', 'changed', 1],
      ['first-s2', 'changed', 1],
      ['first-s3', 'changed', 1],
      ['second-s1', 'changed', 1],
    ],
    hostLog: ['f1', 'f2', 'f3', 'n1'],
    jira: { 'phase first': 'Done', 'story of first': 'Done', 'phase second': 'Done', 'story of second': 'Done' },
  };

  describe('Redis restarted in the middle of a phase', () => {
    it('with its data: the deployment finishes, each step ran once, JIRA and Confluence show it', async () => {
      const after = await deployThroughRestart('kept', true);
      expect(after).toMatchObject(EXPECTED);
      expect(after.confluence).toEqual(expect.arrayContaining(['kept — phase first', 'kept — phase second']));
    }, 120_000);

    it('without its data: the same, the worker that held the phase finishing it and nothing run twice', async () => {
      const after = await deployThroughRestart('lost', false);
      expect(after).toMatchObject(EXPECTED);
      expect(after.confluence).toEqual(expect.arrayContaining(['lost — phase first', 'lost — phase second']));
    }, 120_000);
  });
});

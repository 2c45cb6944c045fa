import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { metrics } from '../../src/infra/metrics/metrics.js';
import { commandRunbook, CONTROLLER, createLabEnvironment, finished, readLabFile } from '../engine/support/engine-fixtures.js';
import { atlassianEnv, settled } from '../integrations/flow-support.js';
import { TestRedisServer } from '../support/redis-server.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DEPLOYMENTS = 20;
/** Measured after this many deployments (pools, caches and JIT warm), and again at the end. */
const BASELINE_AFTER = 5;
// The bounds: what 15 more deployments may add at most. A leak of one connection, timer or client
// per deployment (or per phase) goes past them; the heap bound leaves room for GC noise only.
const BOUNDS = { sshConnections: 0, redisClients: 0, timers: 3, handles: 3, heapMb: 30 };

const LOG = '/var/tmp/soak.log';
const runbook = commandRunbook('soak', [
  { key: 'one', steps: [`echo one >> ${LOG}`, 'true'] },
  { key: 'two', dependsOn: ['one'], steps: [`echo two >> ${LOG}`] },
]);

/** V8's collector, without restarting Jest with --expose-gc: the flag set at run time exposes it to a new context. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let redis: TestRedisServer;
let lab: Lab;
let sandbox: AtlassianSandbox;
let t: TestApp;
let admin: Redis;

beforeAll(async () => {
  // A Redis of its own: CLIENT LIST then counts this app's connections and no other test's.
  redis = await TestRedisServer.start();
  lab = await startLab({ computeNodes: 1 });
  // JIRA and Confluence follow every deployment, as in production: their clients and retries are soaked too.
  sandbox = await startAtlassianSandbox();
  t = await startTestApp({ redisUrl: redis.url, catalog: new Map([[runbook.key, runbook]]), env: atlassianEnv(sandbox) });
  await createLabEnvironment(t, lab);
  admin = new Redis(redis.url);
}, 120_000);
afterAll(async () => {
  admin?.disconnect();
  await t?.close();
  await redis?.close();
  await sandbox?.stop();
  await lab?.stop();
});

interface Sample {
  sshConnections: number;
  /** Open on the lab's side too: a connection this process forgot would still be open there. */
  labConnections: number;
  redisClients: number;
  timers: number;
  handles: number;
  heapMb: number;
}

async function sample(gc: () => void): Promise<Sample> {
  // Twice: the first pass finalises what the second frees.
  gc();
  gc();
  const resources = process.getActiveResourcesInfo();
  const clients = (await admin.client('LIST')) as string;
  return {
    sshConnections: (await metrics.sshConnections.get()).values[0]?.value ?? 0,
    labConnections: Object.values(lab.openConnections()).reduce((sum, n) => sum + n, 0),
    // Not the connection asking.
    redisClients: clients.trim().split('\n').length - 1,
    timers: resources.filter((type) => type === 'Timeout').length,
    handles: resources.filter((type) => type !== 'Timeout').length,
    heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

describe(`${DEPLOYMENTS} deployments back to back`, () => {
  it('leave no more SSH connections, Redis clients, timers, handles or heap than the bounds allow', async () => {
    const gc = collector();
    const deployments = t.app.get(DeploymentsService);
    let baseline: Sample | undefined;
    let lastId = '';
    for (let n = 1; n <= DEPLOYMENTS; n++) {
      const created = await deployments.create({ environment: 'lab', runbook: runbook.key, trigger: 'api', requester: 'soak' });
      const done = await finished(t.db.prisma, created.id);
      lastId = created.id;
      expect({ n, status: done.status, error: done.error }).toEqual({ n, status: 'succeeded', error: null });
      // Measured once JIRA and Confluence caught up (they lag behind meanwhile, as they may).
      if (n === BASELINE_AFTER) baseline = await settled(t, created.id).then(() => sample(gc));
      if (n === DEPLOYMENTS) await settled(t, created.id);
    }
    const end = await sample(gc);

    // Every deployment ran each step once.
    const log = (await readLabFile(lab, CONTROLLER, LOG)).trim().split('\n');
    expect(log).toEqual(Array.from({ length: DEPLOYMENTS }, () => ['one', 'two']).flat());
    // JIRA followed all of them: the phases' epics and stories are Done, each created once.
    const issues = [...sandbox.jira.state.issues.values()].filter((issue) => issue.labels.includes('env-lab'));
    expect(issues.map((issue) => [issue.summary, issue.status]).sort()).toEqual([
      ['phase one', 'Done'],
      ['phase two', 'Done'],
      ['story of one', 'Done'],
      ['story of two', 'Done'],
    ]);
    const rootPage = sandbox.confluence.pages().find((page) => page.title === 'lab — OpenStack runbook');
    expect(rootPage?.body).toContain(lastId);

    const growth = Object.fromEntries(
      (Object.keys(BOUNDS) as (keyof typeof BOUNDS)[]).map((key) => [key, Math.round((end[key] - baseline![key]) * 10) / 10]),
    );
    const report = `baseline ${JSON.stringify(baseline)}\nend ${JSON.stringify(end)}\ngrowth ${JSON.stringify(growth)}`;
    for (const key of Object.keys(BOUNDS) as (keyof typeof BOUNDS)[]) {
      expect({ key, growth: growth[key]!, within: growth[key]! <= BOUNDS[key], report }).toMatchObject({ key, within: true });
    }
    // One pooled connection per node at most, on both sides.
    expect(end.sshConnections).toBeLessThanOrEqual(lab.nodes.length);
    expect(end.labConnections).toBe(end.sshConnections);
  }, 90_000);
});

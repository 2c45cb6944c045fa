/**
 * The API pages one request at a time, nothing else running: database queries per request (every
 * `pg` query the process sends while the request is answered), mean latency over sequential
 * requests and the answer's size. What bench group 4's latency under load is made of.
 *   node [--cpu-prof] dist/bench/api-probe.js [requests per page, default 100] [only pages whose label contains this]
 */
import pg from 'pg';
import { signInToDashboard } from './api-latency.js';
import { BenchEngine } from './engine.js';
import { startFleet } from './sshd-fleet.js';

const requests = Number(process.argv[2] ?? 100);
const only = process.argv[3];
let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
  queries++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const fleet = await startFleet(1);
const steps = Array.from({ length: 600 }, (_, i) => `echo "step ${i} of a long deployment"`);
const engine = await BenchEngine.start([{ key: 'long', phases: [{ key: 'work', steps }] }]);
try {
  await engine.createEnvironment('one', fleet.targets);
  // A finished 600-step deployment: the detail pages list every step, as in group 4.
  const { deployment } = await engine.deploy('one', 'long', 300_000);
  const cookie = await signInToDashboard(engine);
  const bearer = { authorization: `Bearer ${engine.token}` };
  const pages: Array<[string, string, Record<string, string>]> = [
    ['GET /api/v1/deployments', '/api/v1/deployments', bearer],
    ['GET /api/v1/deployments/:id', `/api/v1/deployments/${deployment.id}`, bearer],
    ['GET /dashboard', '/dashboard', { cookie }],
    ['GET /dashboard/deployments/:id', `/dashboard/deployments/${deployment.id}`, { cookie }],
  ];
  for (const [label, url, headers] of pages) {
    if (only && !label.includes(only)) continue;
    for (let i = 0; i < 10; i++) await (await fetch(`${engine.baseUrl}${url}`, { headers })).arrayBuffer(); // warm-up
    const before = queries;
    let bytes = 0;
    const started = performance.now();
    for (let i = 0; i < requests; i++) {
      const answer = await fetch(`${engine.baseUrl}${url}`, { headers });
      if (!answer.ok) throw new Error(`${url} answered ${answer.status}`);
      bytes = (await answer.arrayBuffer()).byteLength;
    }
    const ms = (performance.now() - started) / requests;
    console.log(
      `${label.padEnd(32)} ${((queries - before) / requests).toFixed(1).padStart(5)} queries/request  ${ms.toFixed(1).padStart(6)} ms mean  ${(bytes / 1024).toFixed(0).padStart(5)} KiB`,
    );
  }
} finally {
  await engine.stop();
  await fleet.stop();
}
process.exit(0);

/**
 * Figure group 6: `npm run demo` on a built tree, as a user starts it (its own queue prefix so it
 * never meets another demo on the same Redis): wall time, the 11-phase deployment, and each phase.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { deleteRedisPrefix } from '../lab/redis/delete-prefix.js';
import { freePort } from '../src/infra/local-services/local-services.js';
import type { Budget } from './budget.js';
import type { Report } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function demoFigures(report: Report, budget: Budget): Promise<void> {
  budget.allow(20_000, 'npm run demo');
  // dist/ is current: run.mjs built it before the bench started; the demo's own check is then a no-op.
  const lines: Array<{ at: number; text: string }> = [];
  const port = await freePort();
  const prefix = `bench-demo-${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  const code = await new Promise<number | null | 'overran'>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/build/run.mjs', 'dist/scripts/demo.js'], {
      cwd: ROOT,
      env: { ...process.env, QUEUE_PREFIX: prefix, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const text of parts) lines.push({ at: performance.now(), text });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let overran = false;
    const timer = setTimeout(() => {
      overran = true;
      child.kill('SIGTERM');
    }, budget.left());
    child.on('error', reject);
    child.on('close', (exit) => {
      clearTimeout(timer);
      resolve(overran ? 'overran' : exit);
    });
  });
  const wall = (performance.now() - started) / 1000;
  // Its jobs stay on the Redis it used (REDIS_URL, else the local one; a Redis it started is gone): each
  // run has its own prefix, so leaving them would pile up a demo's worth of keys per bench run.
  await deleteRedisPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix).catch(() => undefined);
  if (code === 'overran') {
    // Stopped by the budget: say so, and how far the deployment had got (its phases as the demo printed them).
    const deploying = lines.find((l) => l.text.startsWith('== Deploying'));
    const progress = lines.filter((l) => /^\s+[✓✗–] \S+\s+(succeeded|failed|cancelled)/.test(l.text));
    const reached = deploying
      ? `${progress.length} phase(s) finished ${((performance.now() - deploying.at) / 1000).toFixed(0)} s after the deployment was created`
      : 'the deployment had not started';
    report.missing(
      '6 demo: npm run demo wall time (start to exit)',
      's',
      `still running when the group's ${(budget.ms / 1000).toFixed(0)} s budget ran out (stopped): ${reached}`,
    );
    for (const line of progress)
      report.add({
        name: `6 demo: reached ${line.text.trim().replace(/\s+/g, ' ')}`,
        value: (line.at - started) / 1000,
        unit: 's after start',
      });
    return;
  }
  if (code !== 0) {
    const tail = lines
      .slice(-5)
      .map((l) => l.text.trim())
      .join(' | ');
    throw new Error(`npm run demo exited with ${code}: ${tail}`);
  }
  report.add({ name: '6 demo: npm run demo wall time (start to exit)', value: wall, unit: 's' });
  const deploying = lines.find((l) => l.text.startsWith('== Deploying'));
  const progress = lines.filter((l) => /^\s+[✓✗–] \S+\s+(succeeded|failed|cancelled)/.test(l.text));
  if (deploying && progress.length > 0) {
    const deployment = (progress[progress.length - 1].at - deploying.at) / 1000;
    report.add(
      {
        name: `6 demo: the ${progress.length}-phase lab deployment (API create to last phase seen, 0.5 s polling)`,
        value: deployment,
        unit: 's',
      },
      { of: 'value', op: '<', bound: 30 },
    );
  }
  const phasesAt = lines.findIndex((l) => l.text.startsWith('== Phases'));
  for (const line of lines.slice(phasesAt + 1)) {
    const match = /^\s+(\S+)\s+(succeeded|failed|cancelled)\s+([\d.]+) s/.exec(line.text);
    if (!match) continue;
    report.add({ name: `6 demo: phase ${match[1]}`, value: Number(match[3]), unit: 's' });
  }
}

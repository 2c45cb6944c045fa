/**
 * How close the SshExecutor gets to the limit of SSH on this machine, against real sshd instances
 * on loopback: N hosts in parallel, each connecting and running cheap steps.
 *   npm run bench [-- --hosts 10,50 --steps 20 --rounds 3]
 * Exits 1 when ours is slower than 1.5× the limit measured in the same run, 2 on a failure.
 */
import { commaList, commandLine, integerIn, parseCommandLine } from '../src/common/command-line.js';
import type { SshTarget } from '../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../src/infra/ssh/ssh-executor.js';
import { limitRun, naiveRun, rawConnect } from './raw-ssh2-baselines.js';
import { startFleet, type SshdFleet } from './sshd-fleet.js';

const TARGET_RATIO = 1.5;
const SCENARIO_TIMEOUT_MS = 240_000;
const WATCHDOG_MS = 20 * 60_000;

type Scenario = 'ours' | 'limit' | 'naive';
interface HostRun {
  connectMs: number;
  stepMs: number[];
}
interface Measurement {
  scenario: Scenario;
  hosts: number;
  wallMs: number;
  cpuMs: number;
  hostRuns: HostRun[];
}

const program = commandLine(
  'npm run bench --',
  'SshExecutor against raw ssh2 on real sshd instances on loopback (N hosts in parallel).',
  'bench',
)
  .option('--hosts <counts>', 'host counts to measure, comma-separated', (value) => commaList(value).map(integerIn(1, 500)), [10, 50])
  .option('--steps <n>', 'steps per host', integerIn(1, 10_000), 20)
  .option('--rounds <n>', 'rounds per host count (the median is reported)', integerIn(1, 100), 3)
  .addHelpText('after', '\nExits 1 when ours is slower than 1.5× the limit measured in the same run, 2 on a failure.');

function commands(steps: number): string[] {
  return Array.from({ length: steps }, (_, i) => (i % 2 ? 'true' : `echo step-${i}`));
}

async function oursOnHost(executor: SshExecutor, target: SshTarget, steps: string[]): Promise<HostRun> {
  const started = performance.now();
  const node = await executor.session(target);
  const connectMs = performance.now() - started;
  const stepMs: number[] = [];
  for (const [index, step] of steps.entries()) {
    const stepStarted = performance.now();
    const result = await node.run(step, { timeoutMs: 30_000 });
    stepMs.push(performance.now() - stepStarted);
    const expected = step === 'true' ? '' : `step-${index}\n`;
    if (result.exitCode !== 0 || result.stdout !== expected) {
      throw new Error(`${target.name}: step ${index} gave exit ${result.exitCode}, stdout ${JSON.stringify(result.stdout)}`);
    }
  }
  return { connectMs, stepMs };
}

async function rawOnHost(target: SshTarget, steps: string[], loop: typeof limitRun, open: Set<{ end(): unknown }>): Promise<HostRun> {
  const started = performance.now();
  const client = await rawConnect(target);
  open.add(client);
  const connectMs = performance.now() - started;
  return { connectMs, stepMs: await loop(client, steps) };
}

async function measure(scenario: Scenario, targets: SshTarget[], steps: string[]): Promise<Measurement> {
  const executor = new SshExecutor();
  const rawClients = new Set<{ end(): unknown }>();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const all = Promise.all(
    targets.map((target) =>
      scenario === 'ours'
        ? oursOnHost(executor, target, steps)
        : rawOnHost(target, steps, scenario === 'limit' ? limitRun : naiveRun, rawClients),
    ),
  );
  try {
    const hostRuns = await withTimeout(all, SCENARIO_TIMEOUT_MS, `${scenario} on ${targets.length} hosts`);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const result = { scenario, hosts: targets.length, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, hostRuns };
    console.log(`  ${scenario.padEnd(5)} ${String(targets.length).padStart(3)} hosts: ${(wallMs / 1000).toFixed(2)} s`);
    return result;
  } finally {
    all.catch(() => undefined); // after a timeout the stragglers fail as their clients are ended
    await executor.closeAll();
    for (const client of rawClients) client.end();
    await new Promise((resolve) => setTimeout(resolve, 300)); // let sshd reap the closed sessions
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(values.length, 1);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarize(runs: Measurement[]) {
  const chosen = runs.find((run) => run.wallMs === median(runs.map((r) => r.wallMs)))!;
  return {
    wallMs: chosen.wallMs,
    stepMs: mean(chosen.hostRuns.flatMap((host) => host.stepMs)),
    connectMs: mean(chosen.hostRuns.map((host) => host.connectMs)),
    cpuMs: chosen.cpuMs,
    rounds: runs.map((run) => (run.wallMs / 1000).toFixed(2)).join(' / '),
  };
}

async function main(): Promise<number> {
  const options = (await parseCommandLine(program)).opts<{ hosts: number[]; steps: number; rounds: number }>();
  const hostCounts = options.hosts;
  const steps = commands(options.steps);
  const rounds = options.rounds;

  console.log(`starting ${Math.max(...hostCounts)} sshd instances on loopback…`);
  const fleet: SshdFleet = await startFleet(Math.max(...hostCounts));
  const rows: string[][] = [];
  let worst = 0;
  try {
    await measure('ours', fleet.targets.slice(0, 2), steps); // warm-up: JIT, key parsing, page cache
    await measure('limit', fleet.targets.slice(0, 2), steps);
    console.log('measuring (limit and ours alternate; naive last):');
    for (const hosts of hostCounts) {
      const targets = fleet.targets.slice(0, hosts);
      const ours: Measurement[] = [];
      const limit: Measurement[] = [];
      for (let round = 0; round < rounds; round++) {
        limit.push(await measure('limit', targets, steps));
        ours.push(await measure('ours', targets, steps));
      }
      // The naive baseline may not finish in time on a loaded machine; a lower bound still says enough.
      const naive = await measure('naive', targets, steps).catch((error: unknown) => {
        console.log(`  naive ${hosts} hosts: ${(error as Error).message}`);
        return undefined;
      });
      const [o, l] = [summarize(ours), summarize(limit)];
      const n = naive
        ? summarize([naive])
        : { wallMs: SCENARIO_TIMEOUT_MS, stepMs: NaN, connectMs: NaN, cpuMs: NaN, rounds: `> ${SCENARIO_TIMEOUT_MS / 1000}` };
      worst = Math.max(worst, o.wallMs / l.wallMs);
      for (const [name, s] of [
        ['ours (SshExecutor)', o],
        ['limit (raw live shell)', l],
        ['naive (exec per step)', n],
      ] as const) {
        rows.push([
          String(hosts),
          name,
          `${s === n && !naive ? '> ' : ''}${(s.wallMs / 1000).toFixed(2)}`,
          s.rounds,
          s.stepMs.toFixed(2),
          s.connectMs.toFixed(0),
          (s.cpuMs / 1000).toFixed(2),
          name.startsWith('ours') ? `${(o.wallMs / l.wallMs).toFixed(2)}×` : '',
          name.startsWith('ours') ? `${naive ? '' : '< '}${(o.wallMs / n.wallMs).toFixed(3)}×` : '',
        ]);
      }
    }
  } finally {
    await fleet.stop();
  }
  printTable(
    ['hosts', 'scenario', 'wall s', 'rounds s', 'step mean ms', 'connect mean ms', 'client CPU s', 'ours/limit', 'ours/naive'],
    rows,
  );
  console.log(`\n${steps.length} steps per host, hosts in parallel; wall = median round.`);
  console.log(`peak RSS of the benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  const verdict = worst <= TARGET_RATIO;
  console.log(`worst ours/limit: ${worst.toFixed(2)}× (target ≤ ${TARGET_RATIO}×): ${verdict ? 'OK' : 'TOO SLOW'}`);
  return verdict ? 0 : 1;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(['', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
}

const watchdog = setTimeout(() => {
  console.error(`benchmark exceeded ${WATCHDOG_MS / 60_000} min; exiting (sshd instances are killed on exit)`);
  process.exit(2);
}, WATCHDOG_MS);

main()
  .then((code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    clearTimeout(watchdog);
    console.error('benchmark failed:', error);
    process.exitCode = 2;
  });

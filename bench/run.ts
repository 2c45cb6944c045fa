/**
 * `npm run bench`: every figure of issue 14 in one run, each printed with its baseline, ratio and
 * target, and written to bench/results/latest.json. Not part of the test suite.
 *   npm run bench [-- --quick] [--groups 1,2,...]
 * Exits 0 when every target was met, 1 when one was missed, 2 on a failure or a bad flag.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commaList, commandLine, integerIn, parseCommandLine, usageError } from '../src/common/command-line.js';
import type { Report as ReportType } from './report.js';

const GROUPS = {
  1: 'SSH fan-out: engine, executor, ansible-playbook, parallel-ssh, the limit',
  2: 'engine overhead per step, 1 and 2 worker processes',
  3: 'lab scale: compute phases on 1 and 50 lab compute nodes (the lab has at most 50)',
  4: 'API latency under autocannon while a deployment runs, and with 200 SSE streams',
  5: 'Atlassian requests of a full lab deployment and of a second unchanged one',
  6: 'demo wall time',
} as const;
type Group = keyof typeof GROUPS;
const WATCHDOG_MS = 30 * 60_000;

const program = commandLine(
  'npm run bench --',
  'The engine against Ansible, pssh and the limit of SSH, engine overhead, lab scale, API latency, Atlassian cost and demo time,\non this machine (real sshd, PostgreSQL and Redis on 127.0.0.1). Writes bench/results/latest.json.',
  'bench',
)
  .option('--quick', 'a subset: 10 hosts, one round, no ansible-playbook/parallel-ssh, smaller lab and API runs', false)
  .option(
    '--groups <list>',
    `figure groups to run, comma-separated (default: all)\n${Object.entries(GROUPS)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}`,
    (value) => commaList(value).map(integerIn(1, 6)),
  )
  .option('--hosts <counts>', 'sshd counts for group 1 (default 10,50; --quick 10)', (value) => commaList(value).map(integerIn(1, 200)))
  .option('--steps <n>', 'steps per host in group 1', integerIn(1, 1000), 20)
  .option('--rounds <n>', 'rounds of limit, executor and engine in group 1, best kept', integerIn(1, 20), 1)
  .option('--computes <counts>', 'lab compute node counts for group 3 (default 1,50; --quick 1,5; the lab has at most 50)', (value) =>
    commaList(value).map(integerIn(1, 50)),
  )
  .option('--out <file>', 'where to write the JSON results', 'bench/results/latest.json')
  .addHelpText('after', '\nExits 0 when every target was met, 1 when one was missed, 2 on a failure.');

interface Options {
  quick: boolean;
  groups?: number[];
  hosts?: number[];
  computes?: number[];
  steps: number;
  rounds: number;
  out: string;
}

async function main(): Promise<number> {
  const options = (await parseCommandLine(program)).opts<Options>();
  if (options.groups?.length === 0) usageError(program, '--groups names no group');
  // Loaded after the arguments are read, so --help and bad flags answer without starting anything.
  const { Report } = await import('./report.js');
  const report = new Report();
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', options.out);
  const groups = new Set<Group>((options.groups ?? [1, 2, 3, 4, 5, 6]) as Group[]);
  const quick = options.quick;
  console.log(`bench${quick ? ' --quick' : ''} on ${report.machine.cpus} CPUs (${report.machine.cpuModel}); ${report.machine.uptime}`);
  const started = performance.now();
  let failed = false;
  const section = async (group: Group, body: (report: ReportType) => Promise<void>) => {
    if (!groups.has(group)) return;
    console.log(`\n== ${group}. ${GROUPS[group]}`);
    const at = performance.now();
    try {
      await body(report);
    } catch (error) {
      failed = true;
      report.missing(
        `${group} ${GROUPS[group]}`,
        '',
        `failed: ${(error as Error).stack ?? String(error)}`.split('\n').slice(0, 3).join(' '),
      );
    }
    console.log(`   (${((performance.now() - at) / 1000).toFixed(0)} s)`);
    report.write(out); // after every group, so a run cut short still leaves what it measured
  };

  const hostCounts = options.hosts ?? (quick ? [10] : [10, 50]);
  if (groups.has(1) || groups.has(2)) {
    const { startFleet } = await import('./sshd-fleet.js');
    const needed = Math.max(groups.has(1) ? Math.max(...hostCounts) : 1, 1);
    console.log(`starting ${needed} sshd instances on loopback…`);
    const fleet = await startFleet(needed);
    try {
      await section(1, async (r) => {
        const { fanoutFigures } = await import('./fanout.js');
        await fanoutFigures(r, fleet, { hostCounts, steps: options.steps, rounds: options.rounds, external: !quick });
      });
      await section(2, async (r) => {
        const { overheadFigures } = await import('./overhead.js');
        await overheadFigures(r, fleet.targets[0], { steps: quick ? 100 : 200 });
      });
    } finally {
      await fleet.stop();
    }
  }
  await section(3, async (r) => {
    const { labScaleFigures } = await import('./lab-scale.js');
    await labScaleFigures(r, { computeCounts: options.computes ?? (quick ? [1, 5] : [1, 50]) });
  });
  await section(4, async (r) => {
    const { apiFigures } = await import('./api-latency.js');
    await apiFigures(r, { durationS: quick ? 5 : 10, streams: 200 });
  });
  await section(5, async (r) => {
    const { atlassianFigures } = await import('./atlassian-cost.js');
    await atlassianFigures(r);
  });
  await section(6, async (r) => {
    const { demoFigures } = await import('./demo-time.js');
    await demoFigures(r);
  });

  report.printTable();
  report.write(out);
  const missed = report.figures.filter((f) => f.met === false).length;
  console.log(
    `\n${report.figures.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s; ${missed} target(s) missed; load ${report.machine.loadAtStart.join(' ')} → ${report.machine.loadAtEnd?.join(' ')}; written to ${path.relative(process.cwd(), out)}`,
  );
  return failed ? 2 : missed > 0 ? 1 : 0;
}

const watchdog = setTimeout(() => {
  console.error(`bench exceeded ${WATCHDOG_MS / 60_000} min; exiting (sshd instances are killed on exit)`);
  process.exit(2);
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(2);
  },
);

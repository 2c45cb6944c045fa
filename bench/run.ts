/**
 * `npm run bench`: every figure of issue 14 in one run, each printed with its baseline, ratio and
 * target, and written to bench/results/latest.json. Not part of the test suite.
 *   npm run bench [-- --quick] [--groups 1,2,...]
 * Exits 0 when every target was met, 1 when one was missed, 2 on a failure or a bad flag.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commaList, commandLine, integerIn, parseCommandLine, usageError } from '../src/common/command-line.js';
import { MAX_COMPUTE_NODES } from '../lab/nodes/lab-addressing.js';
import type { Budget as BudgetType } from './budget.js';
import type { Report as ReportType } from './report.js';

const GROUPS = {
  1: 'SSH fan-out: engine, executor, ansible-playbook, parallel-ssh, the limit',
  2: 'engine overhead per step, 1 and 2 worker processes',
  3: 'lab scale: compute phases on 1 and 200 lab compute nodes',
  4: 'API latency under autocannon while a deployment runs, and with 200 SSE streams',
  5: 'Atlassian requests of a full lab deployment and of a second unchanged one',
  6: 'demo wall time',
} as const;
type Group = keyof typeof GROUPS;

/**
 * Seconds each group may take (full run, --quick): together under 10 minutes with the start-up,
 * on this 2-core machine under a moderate load. A group that runs out reports what it could not
 * measure and why; the next group starts on time.
 */
const BUDGET_S: Record<Group, { full: number; quick: number }> = {
  1: { full: 190, quick: 30 },
  2: { full: 45, quick: 30 },
  3: { full: 115, quick: 40 },
  4: { full: 55, quick: 35 },
  5: { full: 50, quick: 0 },
  6: { full: 55, quick: 0 },
};
/** After its budget a group gets this long to clean up (stop its engine, lab, sshd) before the bench moves on without it. */
const GRACE_MS = 15_000;
const WATCHDOG_MS = 12 * 60_000;

const program = commandLine(
  'npm run bench --',
  'The engine against Ansible, pssh and the limit of SSH, engine overhead, lab scale, API latency, Atlassian cost and demo time,\non this machine (real sshd, PostgreSQL and Redis on 127.0.0.1). Writes bench/results/latest.json.',
  'bench',
)
  .option(
    '--quick',
    'a subset in about 2 minutes: 10 hosts, no ansible-playbook/parallel-ssh, lab of 1 and 5 computes, short API runs, no Atlassian or demo group',
    false,
  )
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
  .option('--computes <counts>', 'lab compute node counts for group 3 (default 1,200; --quick 1,5)', (value) =>
    commaList(value).map(integerIn(1, MAX_COMPUTE_NODES)),
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
  const { Budget, OutOfBudget, reasonOf } = await import('./budget.js');
  const report = new Report();
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', options.out);
  const quick = options.quick;
  const groups = new Set<Group>((options.groups ?? (quick ? [1, 2, 3, 4] : [1, 2, 3, 4, 5, 6])) as Group[]);
  console.log(`bench${quick ? ' --quick' : ''} on ${report.machine.cpus} CPUs (${report.machine.cpuModel}); ${report.machine.uptime}`);
  const started = performance.now();
  let failed = false;
  const section = async (group: Group, body: (report: ReportType, budget: BudgetType) => Promise<void>) => {
    if (!groups.has(group)) return;
    // --groups names a group --quick leaves out: it still gets a short budget.
    const seconds = quick ? BUDGET_S[group].quick || 60 : BUDGET_S[group].full;
    const budget = new Budget(`group ${group}`, seconds * 1000);
    console.log(`\n== ${group}. ${GROUPS[group]} (budget ${seconds} s)`);
    const at = performance.now();
    let overrun: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        body(report, budget),
        new Promise<never>((_, reject) => {
          overrun = setTimeout(
            () => reject(new Error(`still running ${GRACE_MS / 1000} s after its ${seconds} s budget; left behind`)),
            seconds * 1000 + GRACE_MS,
          );
        }),
      ]);
    } catch (error) {
      failed ||= !(error instanceof OutOfBudget); // ran out of time: said in the table, not a failure of the bench
      report.missing(`${group} ${GROUPS[group]}: the rest of the group`, '', reasonOf(error));
    } finally {
      clearTimeout(overrun);
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
      await section(1, async (r, budget) => {
        const { fanoutFigures } = await import('./fanout.js');
        await fanoutFigures(r, fleet, { hostCounts, steps: options.steps, rounds: options.rounds, external: !quick, budget });
      });
      await section(2, async (r, budget) => {
        const { overheadFigures } = await import('./overhead.js');
        await overheadFigures(r, fleet.targets[0], { steps: quick ? 60 : 100, budget });
      });
    } finally {
      await fleet.stop();
    }
  }
  await section(3, async (r, budget) => {
    const { labScaleFigures } = await import('./lab-scale.js');
    await labScaleFigures(r, { computeCounts: options.computes ?? (quick ? [1, 5] : [1, 200]), budget });
  });
  await section(4, async (r, budget) => {
    const { apiFigures } = await import('./api-latency.js');
    await apiFigures(r, { durationS: quick ? 3 : 5, streams: 200, budget });
  });
  await section(5, async (r, budget) => {
    const { atlassianFigures } = await import('./atlassian-cost.js');
    await atlassianFigures(r, budget);
  });
  await section(6, async (r, budget) => {
    const { demoFigures } = await import('./demo-time.js');
    await demoFigures(r, budget);
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

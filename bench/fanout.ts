/**
 * Figure group 1, SSH fan-out: N real sshd on loopback, K cheap steps per host, hosts in parallel,
 * through the whole engine (REST API, BullMQ, phase runner, PostgreSQL ledger), the executor alone,
 * ansible-playbook, parallel-ssh and the limit (one raw ssh2 live shell per host).
 */
import type { SshTarget } from '../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../src/infra/ssh/ssh-executor.js';
import { type Budget, reasonOf } from './budget.js';
import { BenchEngine, type CatalogSpec } from './engine.js';
import { ansibleRun, ensureTools, psshRun } from './external-tools.js';
import { limitRun, rawConnect } from './raw-ssh2-baselines.js';
import type { Report } from './report.js';
import type { SshdFleet } from './sshd-fleet.js';

export interface FanoutOptions {
  hostCounts: number[];
  steps: number;
  rounds: number;
  /** Run ansible-playbook and parallel-ssh (the slow baselines), at the largest host count only (the target is at N = 50). */
  external: boolean;
  budget: Budget;
}

/** The K steps: `true`, then `sleep 0.05`, alternating (the limit's cost and a step that waits). */
export function fanoutSteps(steps: number): string[] {
  return Array.from({ length: steps }, (_, i) => (i % 2 === 0 ? 'true' : 'sleep 0.05'));
}

export function fanoutCatalog(steps: number): CatalogSpec {
  return [
    { key: 'fanout', phases: [{ key: 'fanout', steps: fanoutSteps(steps) }] },
    { key: 'fanout-short', phases: [{ key: 'fanout', steps: fanoutSteps(steps).slice(0, EXTERNAL_STEPS) }] },
  ];
}

/** ansible-playbook and parallel-ssh run this many of the K steps, and so does the engine they are compared with (stated in the figures). */
const EXTERNAL_STEPS = 5;

export async function executorRun(targets: SshTarget[], steps: string[], limitMs = 120_000): Promise<number> {
  const executor = new SshExecutor();
  const started = performance.now();
  try {
    await withTimeout(
      Promise.all(
        targets.map(async (target) => {
          const node = await executor.session(target);
          for (const [index, step] of steps.entries()) {
            // The step's own timeout is the scenario's: under load one `true` can wait seconds for a core.
            const result = await node.run(step, { timeoutMs: limitMs });
            if (result.exitCode !== 0) throw new Error(`${target.name}: step ${index} gave exit ${result.exitCode}`);
          }
        }),
      ),
      limitMs,
      `executor on ${targets.length} hosts`,
    );
    return performance.now() - started;
  } finally {
    await executor.closeAll();
  }
}

export async function limitOn(targets: SshTarget[], steps: string[], limitMs = 120_000): Promise<number> {
  const clients: Array<{ end(): unknown }> = [];
  const started = performance.now();
  try {
    await withTimeout(
      Promise.all(
        targets.map(async (target) => {
          const client = await rawConnect(target);
          clients.push(client);
          await limitRun(client, steps);
        }),
      ),
      limitMs,
      `limit on ${targets.length} hosts`,
    );
    return performance.now() - started;
  } finally {
    for (const client of clients) client.end();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300)); // let sshd reap closed sessions

export async function fanoutFigures(report: Report, fleet: SshdFleet, options: FanoutOptions): Promise<void> {
  const { budget } = options;
  const maxHosts = Math.max(...options.hostCounts);
  const tools = options.external ? await ensureTools((line) => console.log(`  ${line}`)) : {};
  const engine = await BenchEngine.start(fanoutCatalog(options.steps), { PHASE_NODE_CONCURRENCY: String(Math.max(10, maxHosts)) });
  try {
    for (const hosts of options.hostCounts) await engine.createEnvironment(`fleet${hosts}`, fleet.targets.slice(0, hosts));
    await engine.createEnvironment('warmup', fleet.targets.slice(0, 2));
    // Warm-up: JIT, key parsing, page cache, database connections.
    await engine.deploy('warmup', 'fanout', budget.left());
    await executorRun(fleet.targets.slice(0, 2), ['true', 'true'], budget.left());
    await limitOn(fleet.targets.slice(0, 2), ['true', 'true'], budget.left());

    for (const hosts of options.hostCounts) {
      const targets = fleet.targets.slice(0, hosts);
      const steps = fanoutSteps(options.steps);
      const prefix = `1 fan-out N=${hosts} K=${options.steps}`;
      // Each measurement on its own: one that runs out of time or fails is reported, the others still are.
      const measure = async (
        name: string,
        needMs: number,
        run: (limitMs: number) => Promise<number>,
        namePrefix = prefix,
      ): Promise<number[]> => {
        const walls: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          try {
            walls.push(await run(budget.allow(round === 0 ? needMs : needMs * 2, `${namePrefix}: ${name}`)));
          } catch (error) {
            if (walls.length === 0) report.missing(`${namePrefix}: ${name}`, 's', reasonOf(error));
            break;
          } finally {
            await settle();
          }
        }
        return walls;
      };
      // About what each needs at least on an idle machine (a step ~2 ms per host on 2 cores): below that, do not start.
      const need = 2_000 + hosts * options.steps * 2;
      const limitWalls = await measure('limit (raw ssh2 live shell)', need, (ms) => limitOn(targets, steps, ms));
      const executorWalls = await measure('executor alone', need, (ms) => executorRun(targets, steps, ms));
      const engineWalls = await measure(
        'whole engine',
        need * 2,
        async (ms) => (await engine.deploy(`fleet${hosts}`, 'fanout', ms)).wallMs,
      );
      const best = (values: number[]) => (values.length === 0 ? undefined : Math.min(...values) / 1000);
      const limitS = best(limitWalls);
      const limit = limitS === undefined ? undefined : { name: 'limit', value: limitS };
      if (limit) report.add({ name: `${prefix}: limit (raw ssh2 live shell)`, value: limit.value, unit: 's' });
      const executorS = best(executorWalls);
      if (executorS !== undefined)
        report.add(
          { name: `${prefix}: executor alone`, value: executorS, unit: 's', baseline: limit },
          { of: 'ratio', op: '<=', bound: 1.2 },
        );
      const engineWall = best(engineWalls);
      if (engineWall !== undefined)
        report.add(
          { name: `${prefix}: whole engine`, value: engineWall, unit: 's', baseline: limit },
          { of: 'ratio', op: '<=', bound: 1.5 },
        );
      if (!options.external || hosts !== maxHosts) continue;

      // ansible-playbook and parallel-ssh run the first EXTERNAL_STEPS of the K steps, and the engine
      // runs the same short runbook for the speed-up: a 20-step Ansible run at N = 50 takes 1-3
      // minutes on this machine (more under load), which a 10-minute bench cannot hold.
      const short = steps.slice(0, EXTERNAL_STEPS);
      const shortPrefix = `1 fan-out N=${hosts} K=${short.length}`;
      const [engineShort] = await measure(
        `whole engine, the first ${short.length} steps`,
        need,
        async (ms) => (await engine.deploy(`fleet${hosts}`, 'fanout-short', ms)).wallMs,
      );
      if (engineShort !== undefined) report.add({ name: `${shortPrefix}: whole engine`, value: engineShort / 1000, unit: 's' });
      const ansibleName = 'ansible-playbook raw (forks=N, pipelining, ControlPersist)';
      if (tools['ansible-playbook']) report.missing(`${shortPrefix}: ${ansibleName}`, 's', tools['ansible-playbook']);
      else {
        const [ansible] = await measure(ansibleName, 20_000, (ms) => ansibleRun(targets, short, ms - 15_000), shortPrefix);
        if (ansible !== undefined) {
          report.add({ name: `${shortPrefix}: ${ansibleName}`, value: ansible / 1000, unit: 's' });
          if (engineShort !== undefined)
            report.add(
              {
                name: `${shortPrefix}: engine speed-up over ansible-playbook (same ${short.length} steps)`,
                value: ansible / engineShort,
                unit: '×',
              },
              hosts >= 50 ? { of: 'value', op: '>=', bound: 10 } : undefined,
            );
        }
      }
      const psshName = 'parallel-ssh, one run per step';
      if (tools['parallel-ssh']) report.missing(`${shortPrefix}: ${psshName}`, 's', tools['parallel-ssh']);
      else {
        const [pssh] = await measure(psshName, 5_000, (ms) => psshRun(targets, short, ms - 5_000), shortPrefix);
        if (pssh !== undefined) report.add({ name: `${shortPrefix}: ${psshName}`, value: pssh / 1000, unit: 's' });
      }
    }
  } finally {
    await engine.stop();
  }
}

/**
 * Figure group 1, SSH fan-out: N real sshd on loopback, K cheap steps per host, hosts in parallel,
 * through the whole engine (REST API, BullMQ, phase runner, PostgreSQL ledger), the executor alone,
 * ansible-playbook, parallel-ssh and the limit (one raw ssh2 live shell per host).
 */
import type { SshTarget } from '../src/infra/ssh/executor.types.js';
import { SshExecutor } from '../src/infra/ssh/ssh-executor.js';
import { BenchEngine, type CatalogSpec } from './engine.js';
import { ansibleRun, ensureTools, psshRun } from './external-tools.js';
import { limitRun, rawConnect } from './raw-ssh2-baselines.js';
import type { Report } from './report.js';
import type { SshdFleet } from './sshd-fleet.js';

const SCENARIO_TIMEOUT_MS = 240_000;

export interface FanoutOptions {
  hostCounts: number[];
  steps: number;
  rounds: number;
  /** Run ansible-playbook and parallel-ssh (the slow baselines). */
  external: boolean;
}

/** The issue's K steps: `true`, then `sleep 0.05`, alternating (the limit's cost and a step that waits). */
export function fanoutSteps(steps: number): string[] {
  return Array.from({ length: steps }, (_, i) => (i % 2 === 0 ? 'true' : 'sleep 0.05'));
}

export function fanoutCatalog(steps: number): CatalogSpec {
  return [{ key: 'fanout', phases: [{ key: 'fanout', steps: fanoutSteps(steps) }] }];
}

/** parallel-ssh opens every session anew (seconds per step on a loaded machine): it runs this many of the K steps (stated in the figure). */
const PSSH_STEPS = 5;

export async function executorRun(targets: SshTarget[], steps: string[]): Promise<number> {
  const executor = new SshExecutor();
  const started = performance.now();
  try {
    await withTimeout(
      Promise.all(
        targets.map(async (target) => {
          const node = await executor.session(target);
          for (const [index, step] of steps.entries()) {
            const result = await node.run(step, { timeoutMs: 30_000 });
            if (result.exitCode !== 0) throw new Error(`${target.name}: step ${index} gave exit ${result.exitCode}`);
          }
        }),
      ),
      SCENARIO_TIMEOUT_MS,
      `executor on ${targets.length} hosts`,
    );
    return performance.now() - started;
  } finally {
    await executor.closeAll();
  }
}

export async function limitOn(targets: SshTarget[], steps: string[]): Promise<number> {
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
      SCENARIO_TIMEOUT_MS,
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
  const maxHosts = Math.max(...options.hostCounts);
  const tools = options.external ? await ensureTools((line) => console.log(`  ${line}`)) : {};
  const engine = await BenchEngine.start(fanoutCatalog(options.steps), { PHASE_NODE_CONCURRENCY: String(Math.max(10, maxHosts)) });
  try {
    for (const hosts of options.hostCounts) await engine.createEnvironment(`fleet${hosts}`, fleet.targets.slice(0, hosts));
    await engine.createEnvironment('warmup', fleet.targets.slice(0, 2));
    // Warm-up: JIT, key parsing, page cache, database connections.
    await engine.deploy('warmup', 'fanout');
    await executorRun(fleet.targets.slice(0, 2), ['true', 'true']);
    await limitOn(fleet.targets.slice(0, 2), ['true', 'true']);

    for (const hosts of options.hostCounts) {
      const targets = fleet.targets.slice(0, hosts);
      const steps = fanoutSteps(options.steps);
      const walls = { limit: [] as number[], executor: [] as number[], engine: [] as number[] };
      for (let round = 0; round < options.rounds; round++) {
        walls.limit.push(await limitOn(targets, steps));
        await settle();
        walls.executor.push(await executorRun(targets, steps));
        await settle();
        walls.engine.push((await engine.deploy(`fleet${hosts}`, 'fanout')).wallMs);
        await settle();
      }
      const best = (values: number[]) => Math.min(...values) / 1000;
      const prefix = `1 fan-out N=${hosts} K=${options.steps}`;
      const limit = { name: 'limit', value: best(walls.limit) };
      report.add({ name: `${prefix}: limit (raw ssh2 live shell)`, value: limit.value, unit: 's' });
      report.add(
        { name: `${prefix}: executor alone`, value: best(walls.executor), unit: 's', baseline: limit },
        { of: 'ratio', op: '<=', bound: 1.2 },
      );
      const engineWall = best(walls.engine);
      report.add({ name: `${prefix}: whole engine`, value: engineWall, unit: 's', baseline: limit }, { of: 'ratio', op: '<=', bound: 1.5 });
      if (!options.external) continue;

      const ansible = tools['ansible-playbook']
        ? undefined
        : await ansibleRun(targets, steps, SCENARIO_TIMEOUT_MS).catch((error: Error) => error);
      await settle();
      if (ansible === undefined) report.missing(`${prefix}: ansible-playbook`, 's', tools['ansible-playbook']!);
      else if (ansible instanceof Error) report.missing(`${prefix}: ansible-playbook`, 's', ansible.message);
      else {
        report.add({ name: `${prefix}: ansible-playbook raw (forks=N, pipelining, ControlPersist)`, value: ansible / 1000, unit: 's' });
        report.add(
          { name: `${prefix}: engine speed-up over ansible-playbook`, value: ansible / 1000 / engineWall, unit: '×' },
          hosts >= 50 ? { of: 'value', op: '>=', bound: 10 } : undefined,
        );
      }
      const psshSteps = steps.slice(0, PSSH_STEPS);
      const pssh = tools['parallel-ssh']
        ? undefined
        : await psshRun(targets, psshSteps, SCENARIO_TIMEOUT_MS).catch((error: Error) => error);
      await settle();
      const psshName = `${prefix}: parallel-ssh, one run per step${psshSteps.length < steps.length ? ` (only ${psshSteps.length} steps run)` : ''}`;
      if (pssh === undefined) report.missing(psshName, 's', tools['parallel-ssh']!);
      else if (pssh instanceof Error) report.missing(psshName, 's', pssh.message);
      else report.add({ name: psshName, value: pssh / 1000, unit: 's' });
    }
  } finally {
    await engine.stop();
  }
}

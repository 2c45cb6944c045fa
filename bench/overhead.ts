/**
 * Figure group 2, engine overhead per step: no-op steps (`true`) on one sshd through the REST API,
 * BullMQ, the phase runner and the PostgreSQL ledger, with 1 worker process and then 2 (each
 * running one phase at a time, WORKER_CONCURRENCY=1; the runbook has two independent phases).
 * Overhead per step = engine time per step minus the executor's own round trip on the same host.
 */
import type { SshTarget } from '../src/infra/ssh/executor.types.js';
import { type Budget, reasonOf } from './budget.js';
import { BenchEngine } from './engine.js';
import { executorRun } from './fanout.js';
import type { Report } from './report.js';

export async function overheadFigures(report: Report, target: SshTarget, options: { steps: number; budget: Budget }): Promise<void> {
  const perPhase = Math.ceil(options.steps / 2);
  const spec = [
    {
      key: 'noop',
      phases: ['a', 'b'].map((key) => ({ key, steps: Array.from({ length: perPhase }, () => 'true') })),
    },
  ];
  const total = perPhase * 2;
  const engine = await BenchEngine.start(spec, { WORKER_CONCURRENCY: '1' });
  try {
    await engine.createEnvironment('one', [target]);
    await engine.deploy('one', 'noop', options.budget.left()); // warm-up
    const roundTripMs =
      (await executorRun(
        [target],
        Array.from({ length: perPhase }, () => 'true'),
        options.budget.left(),
      )) / perPhase;
    report.add({ name: '2 executor round trip per no-op step (1 host, connect included)', value: roundTripMs, unit: 'ms' });

    for (const processes of [1, 2]) {
      let wallMs: number;
      try {
        options.budget.allow(2_000 + total * 10, `${processes} worker process(es)`);
        if (processes === 2) await engine.addWorkerProcess();
        ({ wallMs } = await engine.deploy('one', 'noop', options.budget.left()));
      } catch (error) {
        report.missing(`2 engine, ${processes} worker process(es): overhead per step beyond the SSH round trip`, 'ms', reasonOf(error));
        break;
      }
      // Each worker process runs one phase at a time: with 2 processes both phases run at once.
      const streams = processes;
      const perStep = (wallMs * streams) / total;
      report.add({
        name: `2 engine, ${processes} worker process(es): no-op steps per second`,
        value: (total / wallMs) * 1000,
        unit: 'steps/s',
      });
      report.add(
        {
          name: `2 engine, ${processes} worker process(es): overhead per step beyond the SSH round trip`,
          value: perStep - roundTripMs,
          unit: 'ms',
          note: `${total} steps in ${(wallMs / 1000).toFixed(2)} s, ${streams} phase(s) at a time`,
        },
        { of: 'value', op: '<=', bound: 3 },
      );
    }
  } finally {
    await engine.stop();
  }
}

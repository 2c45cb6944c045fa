/**
 * Figure group 3, lab scale: the phases up to the compute ones (base, the controller services,
 * nova-compute, neutron-compute) on a lab of 1 controller and C compute nodes, the workers in
 * their own process: wall time, compute-phase cost per node, the worker's peak RSS and the SSH
 * connections it holds to the lab nodes at the end (one per node and credential expected).
 */
import { execFileSync } from 'node:child_process';
import { type Budget, reasonOf } from './budget.js';
import type { Report } from './report.js';
import { peakRssMb, phaseSeconds, startLabService } from './lab-service.js';

const PHASES = [
  'base',
  'mariadb',
  'rabbitmq',
  'keystone',
  'glance',
  'nova-controller',
  'nova-compute',
  'neutron-controller',
  'neutron-compute',
];
const COMPUTE_PHASES = ['nova-compute', 'neutron-compute'];

/** Established TCP connections of a process to the given local ports (the lab's sshd ports). */
function connectionsTo(pid: number, ports: Set<number>): number {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => {
    if (!line.includes(`pid=${pid},`)) return false;
    const peer = line.trim().split(/\s+/)[3] ?? '';
    return ports.has(Number(peer.slice(peer.lastIndexOf(':') + 1)));
  }).length;
}

export async function labScaleFigures(report: Report, options: { computeCounts: number[]; budget: Budget }): Promise<void> {
  let perNodeAtOne: number | undefined;
  for (const computes of options.computeCounts) {
    const prefix = `3 lab scale, ${computes} compute node(s)`;
    let service: Awaited<ReturnType<typeof startLabService>> | undefined;
    try {
      // Starting the lab (an SSH server and a provisioned filesystem per node) is part of the budget too.
      options.budget.allow(10_000 + computes * 300, prefix);
      service = await options.budget.within(
        startLabService({ computes, atlassian: false, separateWorker: true }),
        `${prefix}: starting the lab`,
      );
      // What is left of the budget, less the time to read the figures and stop the lab.
      const { wallMs, phaseRuns } = await service.deployWithin(PHASES, Math.max(5_000, options.budget.left() - 8_000));
      const worker = service.worker!;
      const finished = phaseRuns.filter((p) => p.finishedAt);
      const cut =
        wallMs === undefined
          ? `the budget ran out after ${finished.length} of ${PHASES.length} phases (${finished.map((p) => p.phaseKey).join(', ')}); the rest was cancelled`
          : undefined;
      if (wallMs === undefined) report.missing(`${prefix}: ${PHASES.length} phases up to the compute ones, wall`, 's', cut!);
      else report.add({ name: `${prefix}: ${PHASES.length} phases up to the compute ones, wall`, value: wallMs / 1000, unit: 's' });
      const computeRuns = phaseRuns.filter((p) => COMPUTE_PHASES.includes(p.phaseKey) && p.finishedAt && p.status === 'succeeded');
      const computeSeconds = computeRuns.reduce((sum, p) => sum + phaseSeconds(p), 0);
      const base = phaseRuns.find((p) => p.phaseKey === 'base' && p.finishedAt && p.status === 'succeeded');
      if (base) report.add({ name: `${prefix}: base phase (all nodes)`, value: phaseSeconds(base), unit: 's' });
      else report.missing(`${prefix}: base phase (all nodes)`, 's', cut ?? 'base did not succeed');
      if (base) {
        const perNodeBase = phaseSeconds(base) / (computes + 1);
        report.add({ name: `${prefix}: base phase per node`, value: perNodeBase, unit: 's' });
      }
      const perNode = computeRuns.length === COMPUTE_PHASES.length ? computeSeconds / computes : Number.NaN;
      if (Number.isNaN(perNode))
        report.missing(`${prefix}: compute phases per compute node`, 's', cut ?? 'a compute phase did not succeed');
      else {
        report.add({ name: `${prefix}: compute phases (nova-compute + neutron-compute)`, value: computeSeconds, unit: 's' });
        report.add({
          name: `${prefix}: compute phases per compute node`,
          value: perNode,
          unit: 's',
          baseline: perNodeAtOne === undefined ? undefined : { name: '1 compute node', value: perNodeAtOne },
        });
      }
      if (!Number.isNaN(perNode)) perNodeAtOne ??= perNode;
      report.add(
        {
          name: `${prefix}: worker process peak RSS`,
          value: peakRssMb(worker.pid!),
          unit: 'MB',
          note: cut && `until ${finished.length} of ${PHASES.length} phases had run`,
        },
        computes >= 200 ? { of: 'value', op: '<', bound: 250 } : undefined,
      );
      const ports = new Set(service.lab.nodes.map((n) => n.ssh.port));
      report.add(
        {
          name: `${prefix}: SSH connections the worker holds to lab nodes after the run`,
          value: connectionsTo(worker.pid!, ports),
          unit: 'connections',
          baseline: { name: 'nodes', value: computes + 1 },
        },
        { of: 'ratio', op: '<=', bound: 1 },
      );
    } catch (error) {
      report.missing(`${prefix}: ${PHASES.length} phases up to the compute ones, wall`, 's', reasonOf(error));
    } finally {
      await service?.stop();
    }
  }
}

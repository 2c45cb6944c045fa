/**
 * Figure group 3, lab scale: the phases up to the compute ones (base, the controller services,
 * nova-compute, neutron-compute) on a lab of 1 controller and C compute nodes, the workers in
 * their own process: wall time, compute-phase cost per node, the worker's peak RSS and the SSH
 * connections it holds to the lab nodes at the end (one per node and credential expected).
 */
import { execFileSync } from 'node:child_process';
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

export async function labScaleFigures(report: Report, options: { computeCounts: number[] }): Promise<void> {
  let perNodeAtOne: number | undefined;
  for (const computes of options.computeCounts) {
    const service = await startLabService({ computes, atlassian: false, separateWorker: true });
    try {
      const { wallMs, phaseRuns } = await service.deploy(PHASES, 600_000);
      const worker = service.worker!;
      const prefix = `3 lab scale, ${computes} compute node(s)`;
      report.add({ name: `${prefix}: ${PHASES.length} phases up to the compute ones, wall`, value: wallMs / 1000, unit: 's' });
      const computeSeconds = phaseRuns.filter((p) => COMPUTE_PHASES.includes(p.phaseKey)).reduce((sum, p) => sum + phaseSeconds(p), 0);
      const base = phaseRuns.find((p) => p.phaseKey === 'base');
      report.add({ name: `${prefix}: base phase (all nodes)`, value: base ? phaseSeconds(base) : Number.NaN, unit: 's' });
      report.add({ name: `${prefix}: compute phases (nova-compute + neutron-compute)`, value: computeSeconds, unit: 's' });
      const perNode = computeSeconds / computes;
      report.add({
        name: `${prefix}: compute phases per compute node`,
        value: perNode,
        unit: 's',
        baseline: perNodeAtOne === undefined ? undefined : { name: '1 compute node', value: perNodeAtOne },
      });
      perNodeAtOne ??= perNode;
      report.add(
        { name: `${prefix}: worker process peak RSS`, value: peakRssMb(worker.pid!), unit: 'MB' },
        computes >= 50 ? { of: 'value', op: '<', bound: 250 } : undefined,
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
    } finally {
      await service.stop();
    }
  }
}

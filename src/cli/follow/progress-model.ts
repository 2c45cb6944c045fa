import type { DeploymentView, PhaseView, StepStatus } from '../api-types.js';

/** Where a deployment stands, per phase and per node, computed from its API document. */
export interface NodeProgress {
  node: string;
  done: number;
  total: number;
  /** Title of the step running on this node now. */
  current?: string;
  failed: number;
}

export interface PhaseProgress {
  key: string;
  status: PhaseView['status'];
  done: number;
  total: number;
  nodes: NodeProgress[];
  counts: Map<StepStatus, number>;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

const FINISHED: ReadonlySet<StepStatus> = new Set(['ok', 'changed', 'would_change', 'failed', 'cancelled']);

export function phaseProgress(phase: PhaseView): PhaseProgress {
  const nodes = new Map<string, NodeProgress>();
  const counts = new Map<StepStatus, number>();
  for (const step of phase.steps ?? []) {
    const node = nodes.get(step.node) ?? { node: step.node, done: 0, total: 0, failed: 0 };
    nodes.set(step.node, node);
    node.total++;
    if (FINISHED.has(step.status)) node.done++;
    if (step.status === 'failed') node.failed++;
    if (step.status === 'running') node.current = step.title;
    counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
  }
  const list = [...nodes.values()];
  return {
    key: phase.phaseKey,
    status: phase.status,
    done: list.reduce((sum, n) => sum + n.done, 0),
    total: list.reduce((sum, n) => sum + n.total, 0),
    nodes: list,
    counts,
    startedAt: phase.startedAt,
    finishedAt: phase.finishedAt,
    error: phase.error,
  };
}

export function deploymentProgress(deployment: DeploymentView): PhaseProgress[] {
  return [...deployment.phaseRuns].sort((a, b) => a.position - b.position).map(phaseProgress);
}

/** "12 changed, 8 ok": the finished steps by outcome. */
export function describeCounts(counts: Map<StepStatus, number>): string {
  const order: StepStatus[] = ['changed', 'would_change', 'ok', 'failed', 'cancelled', 'running', 'pending'];
  return order
    .filter((status) => counts.get(status))
    .map((status) => `${counts.get(status)} ${status.replace('_', ' ')}`)
    .join(', ');
}

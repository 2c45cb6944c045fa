import type { AdvanceDecision, LockedDeployment } from '../persistence/repositories/ledger.repository.js';
import type { PhaseRunRecord } from '../persistence/records.js';
import type { Runbook } from '../runbooks/model.js';

/**
 * What happens next in a deployment's phase DAG, decided from the locked ledger: start every
 * pending phase whose dependencies succeeded, or close the deployment when nothing runs and
 * nothing can start. A cancelled deployment cancels its pending phases and closes once its
 * running phases have stopped.
 */
export function decideAdvance(deployment: LockedDeployment, runbook: Runbook): AdvanceDecision {
  const running = deployment.phaseRuns.filter((p) => p.status === 'running');
  if (deployment.status === 'cancelled') {
    return running.length > 0
      ? { ready: [], cancelPending: true }
      : { ready: [], cancelPending: true, close: { status: 'cancelled', error: deployment.error } };
  }
  const ready = readyPhases(runbook, deployment.phaseRuns);
  if (ready.length > 0 || running.length > 0) return { ready };
  if (deployment.phaseRuns.every((p) => p.status === 'succeeded')) return { ready, close: { status: 'succeeded', error: null } };
  const failed = deployment.phaseRuns.find((p) => p.status === 'failed');
  const error = deployment.error ?? (failed ? `phase ${failed.phaseKey} failed` : 'phases could not start: a dependency failed');
  return { ready, close: { status: 'failed', error } };
}

/** Pending phases whose dependencies (among the selected ones) have all succeeded, in runbook order. */
function readyPhases(runbook: Runbook, phaseRuns: PhaseRunRecord[]): PhaseRunRecord[] {
  const byKey = new Map(phaseRuns.map((p) => [p.phaseKey, p]));
  return phaseRuns
    .filter((p) => p.status === 'pending')
    .filter((p) => {
      const phase = runbook.phases.find((candidate) => candidate.key === p.phaseKey);
      // A dependency outside the selection is taken as deployed before.
      return (phase?.dependsOn ?? []).every((dep) => !byKey.has(dep) || byKey.get(dep)!.status === 'succeeded');
    })
    .sort((a, b) => a.position - b.position);
}

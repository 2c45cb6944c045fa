/**
 * One outcome of a JIRA or Confluence job for a deployment, read from the audit log or the queue:
 * what the deployment detail folds into a state per phase and system.
 */
export interface SyncOutcome {
  at: Date;
  /** The phase it concerns; null for every phase of the deployment (a backlog sync, the root page). */
  phaseKey: string | null;
  ok: boolean;
  reason?: string;
}

/**
 * The newest outcome that concerns a phase: the latest event per phase and system wins, so a
 * success after a failure clears it, and one phase's failure says nothing about the others.
 */
export function latestOutcome(outcomes: readonly SyncOutcome[], phaseKey: string): SyncOutcome | undefined {
  let latest: SyncOutcome | undefined;
  for (const outcome of outcomes) {
    if (outcome.phaseKey !== null && outcome.phaseKey !== phaseKey) continue;
    if (!latest || outcome.at.getTime() >= latest.at.getTime()) latest = outcome;
  }
  return latest;
}

/** `phase:keystone` → `keystone`; null for a page that is no phase's (the root). */
export function phaseOfPage(pageKey: unknown): string | null {
  return typeof pageKey === 'string' && pageKey.startsWith('phase:') ? pageKey.slice('phase:'.length) : null;
}

import path from 'node:path';
import TestSequencer from '@jest/test-sequencer';

/**
 * Seconds the longest files took in a full run on a 2-core machine (the baseline of issue 10's
 * last item; the engine files after their merge). Jest runs the longest files first when it has
 * their times from an earlier run in this folder, and by file size when it has none: a fresh
 * clone (CI) then started the full-runbook files late, and one worker ended the run with one of
 * them alone. Files missing here fall back to their size; a time Jest recorded always wins.
 */
const KNOWN_SECONDS = {
  'test/integrations/flow-quiet.spec.ts': 195,
  'test/engine/full-deployment.spec.ts': 120,
  'test/engine/dry-run-idempotence.spec.ts': 117,
  'test/engine/worker-processes.spec.ts': 92,
  'test/integrations/flow.spec.ts': 52,
  // Area files that run several *.cases.ts each: their own size says nothing of their length.
  'test/reports/reports.spec.ts': 80,
  'test/api/api.spec.ts': 70,
  'test/schedules/schedules.spec.ts': 50,
  'test/integrations/jira/jira.spec.ts': 50,
  'test/security/security.spec.ts': 40,
  'test/confluence/confluence.spec.ts': 16,
  'test/engine/engine.spec.ts': 90,
  'test/faults/faults.spec.ts': 70,
  'test/engine/dag-order.spec.ts': 50,
  'test/faults/orphaned-deployment.spec.ts': 50,
  'test/scripts/npm-scripts.spec.ts': 42,
  'test/scripts/demo-keep-running.spec.ts': 32,
  'test/dashboard/browser.spec.ts': 32,
};

export default class KnownLongFirst extends TestSequencer {
  time(test) {
    const recorded = super.time(test);
    if (recorded != null) return recorded;
    const known = KNOWN_SECONDS[path.relative(test.context.config.rootDir, test.path)];
    // Unknown files: ordered by size among themselves (1 ms per 10 bytes), after the known long ones.
    return known != null ? known * 1000 : (test.context.hasteFS.getSize(test.path) ?? 0) / 10;
  }
}

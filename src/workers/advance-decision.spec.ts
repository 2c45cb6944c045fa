import type { LockedDeployment } from '../persistence/repositories/ledger.repository.js';
import type { PhaseRunRecord } from '../persistence/records.js';
import type { Runbook } from '../runbooks/model.js';
import { decideAdvance } from './advance-decision.js';

const phase = (key: string, dependsOn: string[] = []) => ({
  key,
  title: key,
  goal: '',
  dependsOn,
  on: ['controller' as const],
  stories: [],
});
// A diamond: b and c need a, d needs b and c.
const runbook: Runbook = {
  key: 'diamond',
  version: '1',
  title: 'diamond',
  phases: [phase('a'), phase('b', ['a']), phase('c', ['a']), phase('d', ['b', 'c'])],
};

function deployment(statuses: Record<string, PhaseRunRecord['status']>, over: Partial<LockedDeployment> = {}): LockedDeployment {
  return {
    id: 'dep',
    environmentId: 'env',
    activeEnvironmentId: 'env',
    runbookKey: 'diamond',
    runbookVersion: '1',
    phases: Object.keys(statuses),
    trigger: 'api',
    requester: 'test',
    dryRun: false,
    status: 'running',
    error: null,
    createdAt: new Date(),
    startedAt: null,
    finishedAt: null,
    sprintId: null,
    jiraTriggerIssueKey: null,
    jiraTriggeredAt: null,
    environment: { name: 'lab' },
    phaseRuns: Object.entries(statuses).map(([phaseKey, status], position) => ({
      id: phaseKey,
      deploymentId: 'dep',
      phaseKey,
      position,
      status,
      attempt: 0,
      startedAt: null,
      heartbeatAt: null,
      finishedAt: null,
      error: null,
    })),
    ...over,
  };
}

const ready = (d: LockedDeployment) => decideAdvance(d, runbook).ready.map((p) => p.phaseKey);

describe('decideAdvance', () => {
  it('starts the phases whose dependencies succeeded, in runbook order', () => {
    expect(ready(deployment({ a: 'pending', b: 'pending', c: 'pending', d: 'pending' }))).toEqual(['a']);
    expect(ready(deployment({ a: 'succeeded', b: 'pending', c: 'pending', d: 'pending' }))).toEqual(['b', 'c']);
    expect(ready(deployment({ a: 'succeeded', b: 'succeeded', c: 'running', d: 'pending' }))).toEqual([]);
    expect(ready(deployment({ a: 'succeeded', b: 'succeeded', c: 'succeeded', d: 'pending' }))).toEqual(['d']);
  });

  it('takes a dependency outside the selection as deployed before', () => {
    expect(ready(deployment({ d: 'pending' }))).toEqual(['d']);
  });

  it('closes the deployment as succeeded when every phase succeeded', () => {
    expect(decideAdvance(deployment({ a: 'succeeded', b: 'succeeded' }), runbook)).toEqual({
      ready: [],
      close: { status: 'succeeded', error: null },
    });
  });

  it('waits while a phase runs, then fails the deployment naming the failed phase; dependants never start', () => {
    expect(decideAdvance(deployment({ a: 'succeeded', b: 'failed', c: 'running', d: 'pending' }), runbook)).toEqual({ ready: [] });
    expect(decideAdvance(deployment({ a: 'succeeded', b: 'failed', c: 'succeeded', d: 'pending' }), runbook)).toEqual({
      ready: [],
      close: { status: 'failed', error: 'phase b failed' },
    });
  });

  it("keeps the first step failure as the deployment's error", () => {
    const failed = deployment({ a: 'failed' }, { error: 'step "x" failed on n1 with exit code 3' });
    expect(decideAdvance(failed, runbook).close).toEqual({ status: 'failed', error: 'step "x" failed on n1 with exit code 3' });
  });

  it('a cancelled deployment cancels its pending phases and closes once nothing runs', () => {
    expect(decideAdvance(deployment({ a: 'running', b: 'pending' }, { status: 'cancelled' }), runbook)).toEqual({
      ready: [],
      cancelPending: true,
    });
    expect(decideAdvance(deployment({ a: 'cancelled', b: 'pending' }, { status: 'cancelled' }), runbook)).toEqual({
      ready: [],
      cancelPending: true,
      close: { status: 'cancelled', error: null },
    });
  });
});

import { NODE1, NODE2, sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

const MIN = 60_000;
const report = () => buildSprintReport(sprintSeven(), t('09T12:00'));

describe('phase durations', () => {
  it('lists every real run of each phase in the order the phases first ran, with links to the page version', () => {
    const { phases } = report();
    expect(phases.map((phase) => phase.phaseKey)).toEqual(['base', 'keystone', 'glance']);
    const glance = phases[2];
    // The dry run dep-2 also ran glance: it is not a run of the phase.
    expect(glance.runs.map((run) => [run.deploymentId, run.status, run.durationMs])).toEqual([
      ['dep-3', 'succeeded', 8 * MIN],
      ['dep-4', 'failed', 5 * MIN],
    ]);
    expect(glance.runs[1].links).toMatchObject({ epicKey: 'OPS-3', deploymentId: 'dep-4', confluencePage: { version: 6 } });
    expect(glance).toMatchObject({ succeeded: 1, failed: 1, medianMs: 8 * MIN, maxMs: 8 * MIN, trend: null });
  });

  it('shows the trend of a phase across the sprint: base took 10 minutes on Monday and 6 on Wednesday', () => {
    const base = report().phases[0];
    expect(base).toMatchObject({ succeeded: 2, medianMs: 8 * MIN, maxMs: 10 * MIN });
    expect(base.trend).toEqual({ firstMs: 10 * MIN, lastMs: 6 * MIN, changeMs: -4 * MIN, changeRatio: -0.4 });
  });

  it('keeps a retried run out of the median and trend: its wall time includes the wait for the retry', () => {
    const keystone = report().phases[1];
    expect(keystone.runs).toHaveLength(1);
    expect(keystone.runs[0]).toMatchObject({
      retried: true,
      status: 'succeeded',
      durationMs: t('03T14:12').getTime() - t('02T10:10').getTime(),
    });
    expect(keystone).toMatchObject({ succeeded: 1, medianMs: null, maxMs: null, trend: null });
  });
});

describe('per-node timings', () => {
  it('adds up each node’s step attempts per phase and run, retries included, with the trend across runs', () => {
    const nodes = report().nodes;
    expect(nodes.map((node) => node.node)).toEqual([NODE1, NODE2]);
    const [node1, node2] = nodes;
    // node1: base 2+4 then 1+2 min; keystone 5+1+2+8 min; glance 7 then 5 min (failed).
    expect(node1).toMatchObject({ attempts: 10, failedAttempts: 2, busyMs: (6 + 3 + 16 + 7 + 5) * MIN });
    const base1 = node1.phases.find((phase) => phase.phaseKey === 'base')!;
    expect(base1.runs.map((run) => [run.deploymentId, run.busyMs, run.wallMs])).toEqual([
      ['dep-1', 6 * MIN, 6 * MIN],
      ['dep-3', 3 * MIN, 3 * MIN],
    ]);
    expect(base1.trend).toEqual({ firstMs: 6 * MIN, lastMs: 3 * MIN, changeMs: -3 * MIN, changeRatio: -0.5 });
    const keystone1 = node1.phases.find((phase) => phase.phaseKey === 'keystone')!;
    expect(keystone1.runs[0]).toMatchObject({
      attempts: 4,
      failedAttempts: 1,
      busyMs: 16 * MIN,
      links: { deploymentId: 'dep-1', confluencePage: { version: 4 } },
    });
    // node2: chrony 3 + repos 6 min on Monday, 1.5 + 3.5 min on Wednesday.
    expect(node2).toMatchObject({ attempts: 4, failedAttempts: 0, busyMs: 14 * MIN });
    expect(node2.phases[0].trend).toEqual({ firstMs: 9 * MIN, lastMs: 5 * MIN, changeMs: -4 * MIN, changeRatio: -0.4444 });
  });
});

describe('slowest steps', () => {
  it('ranks steps per node by their slowest finished attempt, never counting a dry run', () => {
    const slow = report().slowestSteps;
    expect(slow.map((step) => [step.phaseKey, step.stepKey, step.node, step.maxMs])).toEqual([
      ['keystone', 'register-identity', NODE1, 8 * MIN],
      // The dry run spent an hour "installing" Glance; the real install took 7 minutes.
      ['glance', 'install-glance', NODE1, 7 * MIN],
      ['base', 'repos', NODE2, 6 * MIN],
      ['glance', 'upload-image', NODE1, 5 * MIN],
      ['keystone', 'install-keystone', NODE1, 5 * MIN],
      ['base', 'repos', NODE1, 4 * MIN],
      ['base', 'chrony', NODE2, 3 * MIN],
      ['base', 'chrony', NODE1, 2 * MIN],
      ['keystone', 'keystone-db-sync', NODE1, 2 * MIN],
    ]);
    expect(slow[2]).toMatchObject({ runs: 2, medianMs: 4.75 * MIN, slowest: { deploymentId: 'dep-1', attempt: 1, durationMs: 6 * MIN } });
    expect(slow[8]).toMatchObject({ runs: 2, medianMs: 1.5 * MIN, slowest: { deploymentId: 'dep-1', attempt: 2 } });
    expect(slow[0].links).toEqual({
      issueKey: 'OPS-22',
      epicKey: 'OPS-2',
      deploymentId: 'dep-1',
      confluencePage: expect.objectContaining({ version: 4 }),
    });
  });

  it('keeps the limit asked for', () => {
    expect(buildSprintReport(sprintSeven(), t('09T12:00'), { slowestSteps: 2 }).slowestSteps).toHaveLength(2);
  });
});

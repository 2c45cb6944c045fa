import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('deployments of the sprint', () => {
  it('counts the real deployments by status, with their durations, failure flags and JIRA triggers; the dry run only as excluded', () => {
    const { deployments } = buildSprintReport(sprintSeven(), t('09T12:00'));
    expect(deployments.total).toBe(3);
    expect(deployments.byStatus).toEqual({ queued: 0, running: 0, succeeded: 2, failed: 1, cancelled: 0 });
    expect(deployments.dryRunsExcluded).toBe(1);
    expect(deployments.list.map((line) => [line.id, line.status, line.failed, line.durationMs, line.links.issueKey])).toEqual([
      // Mon 10:00 → Tue 14:12 (the retry included); the keystone failure makes it a failed change.
      ['dep-1', 'succeeded', true, 28 * HOUR + 12 * MIN, 'OPS-1'],
      ['dep-3', 'succeeded', false, 14 * MIN, null],
      ['dep-4', 'failed', true, 5 * MIN, 'OPS-3'],
    ]);
  });

  it('gives a running deployment no duration yet and leaves out what was created after the report moment', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const dep4 = input.deployments[3];
    Object.assign(dep4, { status: 'running', finishedAt: null });
    const { deployments } = buildSprintReport(input, t('05T09:03'));
    expect(deployments.list.map((line) => [line.id, line.status, line.durationMs])).toEqual([
      ['dep-1', 'succeeded', 28 * HOUR + 12 * MIN],
      ['dep-3', 'succeeded', 14 * MIN],
      ['dep-4', 'running', null],
    ]);
    expect(buildSprintReport(input, t('05T08:49')).deployments.list.map((line) => line.id)).toEqual(['dep-1', 'dep-3']);
  });
});

describe('phase timelines', () => {
  it('puts each phase of each real deployment on the deployment’s own clock, oldest deployment first', () => {
    const { timelines } = buildSprintReport(sprintSeven(), t('09T12:00'));
    expect(timelines.map((timeline) => [timeline.deploymentId, timeline.status, timeline.startedAt])).toEqual([
      ['dep-1', 'succeeded', t('02T10:00')],
      ['dep-3', 'succeeded', t('04T09:00')],
      ['dep-4', 'failed', t('05T09:00')],
    ]);
    const bars = timelines.map((timeline) => timeline.bars.map((bar) => [bar.phaseKey, bar.status, bar.startOffsetMs, bar.durationMs]));
    expect(bars).toEqual([
      // keystone waited for the retry: 10:10 Monday to 14:12 Tuesday.
      [
        ['base', 'succeeded', 0, 10 * MIN],
        ['keystone', 'succeeded', 10 * MIN, 28 * HOUR + 2 * MIN],
      ],
      [
        ['base', 'succeeded', 0, 6 * MIN],
        ['glance', 'succeeded', 6 * MIN, 8 * MIN],
      ],
      [['glance', 'failed', 0, 5 * MIN]],
    ]);
    expect(timelines[1].bars[1].links).toMatchObject({ epicKey: 'OPS-3', deploymentId: 'dep-3', confluencePage: { version: 5 } });
  });

  it('draws a running phase up to the report moment', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const dep4 = input.deployments[3];
    Object.assign(dep4, { status: 'running', finishedAt: null });
    Object.assign(dep4.phaseRuns[0], { status: 'running', finishedAt: null });
    const { timelines } = buildSprintReport(input, t('05T09:03'));
    expect(timelines.at(-1)!.bars).toEqual([
      expect.objectContaining({ phaseKey: 'glance', status: 'running', startOffsetMs: 0, durationMs: 3 * MIN }),
    ]);
  });
});

import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { ReportInputError } from '../model/validate-input.js';
import { buildSprintReport } from './sprint-report.js';

describe('sprint review report', () => {
  it('describes a closed sprint as of its close, whatever now is', () => {
    const report = buildSprintReport(sprintSeven(), t('20T08:00'));
    expect(report.window).toEqual({ startAt: t('02T09:00'), endAt: t('07T09:00'), asOf: t('07T09:00') });
    expect(report.generatedAt).toEqual(t('20T08:00'));
    expect(report.sprint).toMatchObject({ id: 'sprint-7', name: 'Sprint 7', goal: 'Identity and images on the lab', state: 'closed' });
    expect(buildSprintReport(sprintSeven(), t('30T08:00'))).toEqual({ ...report, generatedAt: t('30T08:00') });
  });

  it('takes a sprint closed early as of its completion: later deployments and transitions are not in it', () => {
    const input = sprintSeven();
    input.sprint.completedAt = t('04T10:00');
    const report = buildSprintReport(input, t('20T08:00'));
    expect(report.window.asOf).toEqual(t('04T10:00'));
    expect(report.deployments.list.map((d) => d.id)).toEqual(['dep-1', 'dep-3']);
    expect(report.scope.final.stories).toBe(6);
    expect(report.scope.done.stories).toBe(5);
  });

  it('describes a future sprint as empty', () => {
    const input = sprintSeven();
    input.sprint.state = 'future';
    const report = buildSprintReport(input, t('01T08:00'));
    expect(report.window.asOf).toEqual(t('02T09:00'));
    expect(report.deployments.total).toBe(0);
    expect(report.scope.done.stories).toBe(0);
    expect(report.burndown.days.map((d) => d.remaining)).toEqual([6, null, null, null, null, null]);
    expect(report.retrospective).toEqual([]);
  });

  it('is the same with or without the dry run, except for the count of dry runs left out', () => {
    const withDryRun = buildSprintReport(sprintSeven(), t('09T12:00'));
    const input = sprintSeven();
    input.deployments = input.deployments.filter((d) => !d.dryRun);
    const without = buildSprintReport(input, t('09T12:00'));
    expect(withDryRun.deployments.dryRunsExcluded).toBe(1);
    expect(withDryRun).toEqual({ ...without, deployments: { ...without.deployments, dryRunsExcluded: 1 } });
    expect(JSON.stringify(withDryRun)).not.toContain('dep-2');
  });

  it('does not depend on the order of the input', () => {
    const input = sprintSeven();
    input.deployments.reverse();
    input.storyStatuses.reverse();
    input.sprint.scopeChanges.reverse();
    for (const deployment of input.deployments) deployment.stepAttempts.reverse();
    expect(buildSprintReport(input, t('09T12:00'))).toEqual(buildSprintReport(sprintSeven(), t('09T12:00')));
  });

  it('refuses a sprint that ends before it starts, and bad dates, naming each problem', () => {
    const input = sprintSeven();
    input.sprint.endAt = t('01T09:00');
    input.deployments[0].createdAt = new Date('not a date');
    input.deployments[2].stepAttempts[0].attempt = 0;
    let error: unknown;
    try {
      buildSprintReport(input, t('09T12:00'));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ReportInputError);
    expect((error as ReportInputError).reasons).toEqual([
      'sprint sprint-7: endAt (2026-03-01T09:00:00.000Z) must be after startAt (2026-03-02T09:00:00.000Z)',
      'deployment dep-1: createdAt is not a valid date',
      'deployment dep-3: step base/chrony on linux-node1.example.com has attempt 0; attempts count from 1',
    ]);
    expect(() => buildSprintReport(sprintSeven(), new Date(Number.NaN))).toThrow('now is not a valid date');
  });
});

import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

describe('burndown', () => {
  it('samples remaining stories every 24 hours from the start, against a straight ideal line from the committed count', () => {
    const { burndown } = buildSprintReport(sprintSeven(), t('09T12:00'));
    expect(burndown.days.map((day) => day.at)).toEqual(['02', '03', '04', '05', '06', '07'].map((d) => t(`${d}T09:00`)));
    expect(burndown.days.map((day) => day.day)).toEqual([0, 1, 2, 3, 4, 5]);
    // Mon: 6 open. Tue: OPS-11/12 done. Wed: OPS-21/22 done. Thu: OPS-31 done but OPS-32 added.
    // Fri: OPS-41 removed. Sat: OPS-32 still blocked.
    expect(burndown.days.map((day) => day.remaining)).toEqual([6, 4, 2, 2, 1, 1]);
    expect(burndown.days.map((day) => day.scope)).toEqual([6, 6, 6, 7, 6, 6]);
    // 6 committed stories over 5 days: 1.2 a day.
    expect(burndown.days.map((day) => day.ideal)).toEqual([6, 4.8, 3.6, 2.4, 1.2, 0]);
    // Points: 16 committed (OPS-41 has none), OPS-32 brings 2.
    expect(burndown.days.map((day) => day.remainingPoints)).toEqual([16, 11, 3, 2, 2, 2]);
    expect(burndown.days.map((day) => day.idealPoints)).toEqual([16, 12.8, 9.6, 6.4, 3.2, 0]);
    expect(burndown.current).toEqual({ at: t('07T09:00'), remaining: 1, remainingPoints: 2 });
  });

  it('leaves the days after now empty while the sprint runs, and gives the remaining work as of now', () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const { burndown } = buildSprintReport(input, t('04T10:00'));
    expect(burndown.days.map((day) => day.remaining)).toEqual([6, 4, 2, null, null, null]);
    expect(burndown.days.map((day) => day.scope)).toEqual([6, 6, 6, null, null, null]);
    // The ideal line does not depend on now.
    expect(burndown.days.map((day) => day.ideal)).toEqual([6, 4.8, 3.6, 2.4, 1.2, 0]);
    // OPS-31 was done at 09:13; OPS-41 is still open, OPS-32 not yet added.
    expect(burndown.current).toEqual({ at: t('04T10:00'), remaining: 1, remainingPoints: 0 });
  });

  it('ends on the planned end when the sprint is not a whole number of days, with the ideal line reaching 0 there', () => {
    const input = sprintSeven();
    input.sprint.endAt = t('04T21:00'); // 2.5 days
    const { burndown } = buildSprintReport(input, t('09T12:00'));
    expect(burndown.days.map((day) => day.at)).toEqual([t('02T09:00'), t('03T09:00'), t('04T09:00'), t('04T21:00')]);
    expect(burndown.days.map((day) => day.ideal)).toEqual([6, 3.6, 1.2, 0]);
  });
});

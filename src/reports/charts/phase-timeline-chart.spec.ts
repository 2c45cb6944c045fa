import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { ReportInputError } from '../model/validate-input.js';
import { buildSprintReport } from '../review/sprint-report.js';
import { axisScale, type ReadChart, readChartSvg, seriesIndex } from './chart-svg-reader.spec-helper.js';
import { renderPhaseTimelineSvg, timeUnitFor } from './phase-timeline-chart.js';
import { STATUS_COLORS } from './palette.js';

const report = () => buildSprintReport(sprintSeven(), t('09T12:00'));

/** Each drawn bar as [phase, start, end] in the axis unit, read from pixels against the axis labels. */
function bars(chart: ReadChart, series: string): Array<[string, number, number]> {
  const index = seriesIndex(chart, series);
  const phases = chart.texts.filter((text) => text.anchor === 'end');
  const xLabels = chart.texts.filter((text) => text.anchor === 'middle' && /^[\d.]+$/.test(text.text));
  const toValue = axisScale(xLabels, 'x');
  const round = (value: number) => Math.round(value * 100) / 100;
  return chart.marks
    .filter((mark) => mark.series === index && mark.rect !== null && mark.rect.width > 0)
    .map((mark) => {
      const rect = mark.rect!;
      const row = phases.reduce((a, b) =>
        Math.abs(b.y - (rect.y + rect.height / 2)) < Math.abs(a.y - (rect.y + rect.height / 2)) ? b : a,
      );
      return [row.text, round(toValue(rect.x)), round(toValue(rect.x + rect.width))] as [string, number, number];
    })
    .sort((a, b) => a[1] - b[1]);
}

describe('phase timeline chart (SVG)', () => {
  it('draws each phase of a deployment as a bar on the deployment’s clock, top to bottom in start order', async () => {
    const chart = readChartSvg(await renderPhaseTimelineSvg(report(), { deploymentId: 'dep-3' }));
    expect([...new Set(chart.legend.values())]).toEqual(['Succeeded']);
    const rows = chart.texts.filter((text) => text.anchor === 'end');
    expect(rows.map((row) => row.text)).toEqual(['base', 'glance']);
    expect(rows[0].y).toBeLessThan(rows[1].y);
    // base 09:00-09:06, glance 09:06-09:14.
    expect(bars(chart, 'Succeeded')).toEqual([
      ['base', 0, 6],
      ['glance', 6, 14],
    ]);
    expect(
      chart.marks.filter((mark) => mark.series === seriesIndex(chart, 'Succeeded')).every((mark) => mark.fill === STATUS_COLORS.succeeded),
    ).toBe(true);
    expect(chart.texts.map((text) => text.text)).toEqual(
      expect.arrayContaining([
        'minutes since start',
        'Phase timeline: deployment dep-3 on lab (succeeded), started 2026-03-04 09:00:00 UTC',
      ]),
    );
  });

  it('names a deployment in its title by the first 8 characters of its id, so a UUID fits the chart', async () => {
    const input = sprintSeven();
    input.deployments[2].id = '3c6a2068-483f-4b7b-b890-303809315a2f';
    const chart = readChartSvg(
      await renderPhaseTimelineSvg(buildSprintReport(input, t('09T12:00')), { deploymentId: input.deployments[2].id }),
    );
    expect(chart.texts.map((text) => text.text)).toContain(
      'Phase timeline: deployment 3c6a2068 on lab (succeeded), started 2026-03-04 09:00:00 UTC',
    );
  });

  it('draws the sprint’s latest real deployment by default, never a dry run, with a failed phase in red', async () => {
    const input = sprintSeven();
    // A dry run after everything else.
    input.deployments.push({
      ...input.deployments[1],
      id: 'dep-9',
      createdAt: t('06T09:00'),
      startedAt: t('06T09:00'),
      finishedAt: t('06T09:01'),
    });
    const built = buildSprintReport(input, t('09T12:00'));
    const chart = readChartSvg(await renderPhaseTimelineSvg(built));
    expect(chart.texts.some((text) => text.text.startsWith('Phase timeline: deployment dep-4 on lab (failed)'))).toBe(true);
    expect([...new Set(chart.legend.values())]).toEqual(['Failed']);
    expect(bars(chart, 'Failed')).toEqual([['glance', 0, 5]]);
    expect(chart.texts.some((text) => text.text === 'minutes since start')).toBe(true);
    await expect(renderPhaseTimelineSvg(built, { deploymentId: 'dep-9' })).rejects.toThrow(ReportInputError);
  });

  it('counts in seconds up to 2 minutes, in minutes up to 2 hours, in hours beyond', async () => {
    expect([90_000, 120_000, 120_001, 7_200_000, 7_200_001].map((ms) => timeUnitFor(ms).name)).toEqual([
      'seconds',
      'seconds',
      'minutes',
      'minutes',
      'hours',
    ]);
    const input = sprintSeven();
    const quick = input.deployments[2];
    quick.phaseRuns = [
      { ...quick.phaseRuns[0], startedAt: t('04T09:00:00'), finishedAt: t('04T09:00:40') },
      { ...quick.phaseRuns[1], startedAt: t('04T09:00:40'), finishedAt: t('04T09:01:30') },
    ];
    const chart = readChartSvg(await renderPhaseTimelineSvg(buildSprintReport(input, t('09T12:00')), { deploymentId: 'dep-3' }));
    expect(chart.texts.some((text) => text.text === 'seconds since start')).toBe(true);
    expect(bars(chart, 'Succeeded')).toEqual([
      ['base', 0, 40],
      ['glance', 40, 90],
    ]);
  });

  it('switches to hours for a deployment resumed the next day', async () => {
    const chart = readChartSvg(await renderPhaseTimelineSvg(report(), { deploymentId: 'dep-1' }));
    expect(chart.texts.some((text) => text.text === 'hours since start')).toBe(true);
    const [base, keystone] = bars(chart, 'Succeeded');
    expect(base).toEqual(['base', 0, 0.17]);
    // 10:10 Monday to 14:12 Tuesday.
    expect(keystone).toEqual(['keystone', 0.17, 28.2]);
  });

  it('says so when the sprint has no deployment yet', async () => {
    const input = sprintSeven();
    input.sprint.state = 'future';
    const chart = readChartSvg(await renderPhaseTimelineSvg(buildSprintReport(input, t('01T09:00'))));
    expect(chart.marks).toEqual([]);
    expect(chart.texts.some((text) => text.text === 'Phase timeline: no deployment in Sprint 7')).toBe(true);
  });

  it('renders the same text every time', async () => {
    const built = report();
    expect(await renderPhaseTimelineSvg(built, { deploymentId: 'dep-3' })).toBe(
      await renderPhaseTimelineSvg(built, { deploymentId: 'dep-3' }),
    );
    expect(
      readChartSvg(await renderPhaseTimelineSvg(built, { deploymentId: 'dep-3' })).ids.every((id) =>
        id.startsWith('timeline-sprint-7-dep-3-'),
      ),
    ).toBe(true);
  });
});

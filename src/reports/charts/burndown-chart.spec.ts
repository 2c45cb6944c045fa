import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { ReportInputError } from '../model/validate-input.js';
import { buildSprintReport, type SprintReport } from '../review/sprint-report.js';
import { renderBurndownSvg } from './burndown-chart.js';
import { axisScale, type ReadChart, readChartSvg, seriesIndex } from './chart-svg-reader.spec-helper.js';

const closed = () => buildSprintReport(sprintSeven(), t('09T12:00'));

/** The values a series shows, read from its markers' positions against the y axis labels. */
function seriesValues(chart: ReadChart, name: string): Array<{ day: string; value: number }> {
  const index = seriesIndex(chart, name);
  const yLabels = chart.texts.filter((text) => text.anchor === 'end');
  const toValue = axisScale(yLabels, 'y');
  const dayLabels = chart.texts.filter((text) => text.text.startsWith('Day '));
  return chart.marks
    .filter((mark) => mark.series === index)
    .sort((a, b) => a.dataIndex - b.dataIndex)
    .map((mark) => ({
      day: dayLabels.find((label) => Math.abs(label.x - mark.x) < 0.5)!.text,
      value: Math.round(toValue(mark.y) * 100) / 100,
    }));
}

describe('burndown chart (SVG)', () => {
  it('draws remaining, ideal and scope per sprint day, with the values of the report', async () => {
    const report = closed();
    const chart = readChartSvg(await renderBurndownSvg(report));
    expect([chart.width, chart.height]).toEqual([800, 400]);
    expect([...chart.legend.values()]).toEqual(['Remaining', 'Ideal', 'Scope']);
    const days = report.burndown.days;
    expect(seriesValues(chart, 'Remaining')).toEqual(days.map((day) => ({ day: `Day ${day.day}`, value: day.remaining })));
    expect(seriesValues(chart, 'Ideal')).toEqual(days.map((day) => ({ day: `Day ${day.day}`, value: day.ideal })));
    expect(seriesValues(chart, 'Scope')).toEqual(days.map((day) => ({ day: `Day ${day.day}`, value: day.scope })));
    expect(chart.texts.map((text) => text.text)).toEqual(expect.arrayContaining(['Sprint 7: burndown (stories)', '03-02', '03-07']));
  });

  it('stops the remaining line at now while the sprint runs; the ideal line goes on to the end', async () => {
    const input = sprintSeven();
    input.sprint.state = 'active';
    const chart = readChartSvg(await renderBurndownSvg(buildSprintReport(input, t('04T10:00'))));
    expect(seriesValues(chart, 'Remaining').map((point) => point.value)).toEqual([6, 4, 2]);
    expect(seriesValues(chart, 'Ideal')).toHaveLength(6);
  });

  it('draws story points when asked, and refuses to for a sprint without them', async () => {
    const report = closed();
    const chart = readChartSvg(await renderBurndownSvg(report, { unit: 'points' }));
    expect([...chart.legend.values()]).toEqual(['Remaining', 'Ideal']);
    expect(seriesValues(chart, 'Remaining').map((point) => point.value)).toEqual([16, 11, 3, 2, 2, 2]);
    expect(seriesValues(chart, 'Ideal').map((point) => point.value)).toEqual([16, 12.8, 9.6, 6.4, 3.2, 0]);
    expect(chart.texts.some((text) => text.text === 'Sprint 7: burndown (story points)')).toBe(true);

    const input = sprintSeven();
    for (const story of [...input.sprint.committed, ...input.sprint.scopeChanges.map((c) => c.story)]) story.storyPoints = null;
    await expect(renderBurndownSvg(buildSprintReport(input, t('09T12:00')), { unit: 'points' })).rejects.toThrow(ReportInputError);
  });

  it('renders the same text every time, with ids of its own so two charts can share a page', async () => {
    const report = closed();
    const first = await renderBurndownSvg(report);
    expect(await renderBurndownSvg(report)).toBe(first);
    expect(first).not.toMatch(/zr\d+-/);
    const ids = readChartSvg(first).ids;
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith('burndown-sprint-7-stories-'))).toBe(true);
    const other: SprintReport = { ...report, sprint: { ...report.sprint, id: 'sprint 8' } };
    expect(readChartSvg(await renderBurndownSvg(other)).ids.every((id) => id.startsWith('burndown-sprint_8-stories-'))).toBe(true);
  });
});

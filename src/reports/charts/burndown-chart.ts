import { ReportInputError } from '../model/validate-input.js';
import type { SprintReport } from '../review/sprint-report.js';
import { type ChartSize, chartIdPrefix, renderChartSvg } from './echarts-svg.js';
import { COLORS } from './palette.js';

export interface BurndownChartOptions {
  /** Story points need the sprint to use them; stories otherwise. */
  unit?: 'stories' | 'points';
  size?: ChartSize;
}

export const BURNDOWN_SIZE: ChartSize = { width: 800, height: 400 };
export const BURNDOWN_SERIES = { remaining: 'Remaining', ideal: 'Ideal', scope: 'Scope' } as const;

const isoDay = (at: Date) => at.toISOString().slice(5, 10);

/** The burndown: remaining work per sprint day against the ideal line, with the backlog size (scope) above it. */
export async function renderBurndownSvg(report: SprintReport, options: BurndownChartOptions = {}): Promise<string> {
  const points = options.unit === 'points';
  if (points && !report.usesStoryPoints)
    throw new ReportInputError([`sprint ${report.sprint.id} has no story points; draw its burndown in stories`]);
  const days = report.burndown.days;
  const unitName = points ? 'story points' : 'stories';
  const remaining = days.map((day) => (points ? day.remainingPoints : day.remaining));
  const ideal = days.map((day) => (points ? day.idealPoints : day.ideal));
  // Scope in points is not tracked per day; the stories line still shows when the backlog grew.
  const scope = points ? [] : days.map((day) => day.scope);
  const line = (name: string, data: Array<number | null>, color: string, extra: object = {}) => ({
    name,
    type: 'line',
    data: data.map((value) => value ?? '-'),
    color,
    showSymbol: true,
    showAllSymbol: true,
    symbolSize: 6,
    lineStyle: { color, width: 2 },
    itemStyle: { color },
    ...extra,
  });
  const series = [
    line(BURNDOWN_SERIES.remaining, remaining, COLORS.remaining),
    line(BURNDOWN_SERIES.ideal, ideal, COLORS.ideal, { lineStyle: { color: COLORS.ideal, width: 2, type: 'dashed' } }),
    ...(points ? [] : [line(BURNDOWN_SERIES.scope, scope, COLORS.scope, { step: 'end', lineStyle: { color: COLORS.scope, width: 1 } })]),
  ];
  return renderChartSvg(
    {
      title: { text: `${report.sprint.name}: burndown (${unitName})`, left: 'center', textStyle: { fontSize: 14, color: COLORS.axis } },
      legend: { bottom: 0, data: series.map((s) => s.name) },
      grid: { left: 56, right: 44, top: 48, bottom: 64 },
      xAxis: {
        type: 'category',
        boundaryGap: false,
        data: days.map((day) => `Day ${day.day}\n${isoDay(day.at)}`),
        axisLabel: { color: COLORS.axis, interval: 0 },
      },
      yAxis: { type: 'value', name: unitName, min: 0, minInterval: 1, axisLabel: { color: COLORS.axis } },
      series,
    },
    options.size ?? BURNDOWN_SIZE,
    chartIdPrefix('burndown', report.sprint.id, points ? 'points' : 'stories'),
  );
}

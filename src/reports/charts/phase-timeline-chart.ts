import { formatTimestamp } from '../../common/format-timestamp.js';
import { ReportInputError } from '../model/validate-input.js';
import type { PhaseRunStatus } from '../model/deployment-record.js';
import type { SprintReport } from '../review/sprint-report.js';
import type { DeploymentTimeline } from '../review/timeline.js';
import { type ChartSize, chartIdPrefix, renderChartSvg } from './echarts-svg.js';
import { COLORS, STATUS_COLORS, STATUS_LABELS } from './palette.js';

export interface PhaseTimelineChartOptions {
  /** Which deployment to draw; the sprint's latest real deployment when left out. */
  deploymentId?: string;
  /** Defaults to 800 wide and 40 px per phase. */
  size?: ChartSize;
}

/** The unit of the time axis, picked from the longest bar so the numbers stay readable. */
export interface TimeUnit {
  name: 'seconds' | 'minutes' | 'hours';
  ms: number;
}

export function timeUnitFor(totalMs: number): TimeUnit {
  if (totalMs <= 2 * 60_000) return { name: 'seconds', ms: 1000 };
  if (totalMs <= 2 * 3_600_000) return { name: 'minutes', ms: 60_000 };
  return { name: 'hours', ms: 3_600_000 };
}

export const TIMELINE_OFFSET_SERIES = 'offset';

export function selectTimeline(report: SprintReport, deploymentId?: string): DeploymentTimeline | null {
  if (deploymentId === undefined) return report.timelines[report.timelines.length - 1] ?? null;
  const found = report.timelines.find((timeline) => timeline.deploymentId === deploymentId);
  if (!found)
    throw new ReportInputError([
      `deployment ${deploymentId} has no phase timeline in sprint ${report.sprint.id} (not in the sprint, a dry run, or not started)`,
    ]);
  return found;
}

/**
 * A Gantt chart of one deployment (named in its title by the first 8 characters of its id, as the
 * dashboard does: a whole UUID makes the title wider than the chart): a row per phase (in the order they started), a bar from the
 * phase's start to its end on the deployment's clock, coloured by status. Drawn as stacked bars
 * over an invisible offset bar, so a phase that ran beside another keeps its own row.
 */
export async function renderPhaseTimelineSvg(report: SprintReport, options: PhaseTimelineChartOptions = {}): Promise<string> {
  const timeline = selectTimeline(report, options.deploymentId);
  const bars = timeline?.bars ?? [];
  const size = options.size ?? { width: 800, height: Math.max(160, 100 + 40 * bars.length) };
  const unit = timeUnitFor(Math.max(0, ...bars.map((bar) => bar.startOffsetMs + bar.durationMs)));
  const inUnit = (ms: number) => Math.round((ms / unit.ms) * 1000) / 1000;
  const statuses = (Object.keys(STATUS_LABELS) as PhaseRunStatus[]).filter((status) => bars.some((bar) => bar.status === status));
  const title = timeline
    ? `Phase timeline: deployment ${timeline.deploymentId.slice(0, 8)} on ${timeline.environment} (${timeline.status}), started ${formatTimestamp(timeline.startedAt)}`
    : `Phase timeline: no deployment in ${report.sprint.name}`;
  return renderChartSvg(
    {
      title: { text: title, left: 'center', textStyle: { fontSize: 13, color: COLORS.axis } },
      legend: { bottom: 0, data: statuses.map((status) => STATUS_LABELS[status]) },
      grid: { left: 150, right: 32, top: 44, bottom: 64 },
      yAxis: { type: 'category', inverse: true, data: bars.map((bar) => bar.phaseKey), axisLabel: { color: COLORS.axis } },
      xAxis: {
        type: 'value',
        min: 0,
        name: `${unit.name} since start`,
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { color: COLORS.axis },
      },
      series: [
        {
          name: TIMELINE_OFFSET_SERIES,
          type: 'bar',
          stack: 'phase',
          silent: true,
          itemStyle: { color: 'transparent' },
          data: bars.map((bar) => inUnit(bar.startOffsetMs)),
        },
        ...statuses.map((status) => ({
          name: STATUS_LABELS[status],
          type: 'bar',
          stack: 'phase',
          barMaxWidth: 24,
          color: STATUS_COLORS[status],
          itemStyle: { color: STATUS_COLORS[status] },
          data: bars.map((bar) => (bar.status === status ? inUnit(bar.durationMs) : '-')),
        })),
      ],
    },
    size,
    chartIdPrefix('timeline', report.sprint.id, timeline?.deploymentId ?? 'none'),
  );
}

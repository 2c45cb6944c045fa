import type { SprintReport } from '../review/sprint-report.js';
import { type BurndownChartOptions, renderBurndownSvg } from './burndown-chart.js';
import { type PhaseTimelineChartOptions, renderPhaseTimelineSvg } from './phase-timeline-chart.js';
import { svgToPng } from './png.js';

export { BURNDOWN_SERIES, BURNDOWN_SIZE, type BurndownChartOptions, renderBurndownSvg } from './burndown-chart.js';
export type { ChartSize } from './echarts-svg.js';
export { type PhaseTimelineChartOptions, renderPhaseTimelineSvg, selectTimeline } from './phase-timeline-chart.js';
export { svgToPng } from './png.js';

/** PNG of the burndown (for a Confluence attachment); `scale` 2 for sharp images on dense screens. */
export const renderBurndownPng = async (report: SprintReport, options: BurndownChartOptions = {}, scale = 1): Promise<Buffer> =>
  svgToPng(await renderBurndownSvg(report, options), scale);

export const renderPhaseTimelinePng = async (report: SprintReport, options: PhaseTimelineChartOptions = {}, scale = 1): Promise<Buffer> =>
  svgToPng(await renderPhaseTimelineSvg(report, options), scale);

import type { EChartsCoreOption } from 'echarts/core';
import { onceUnlessFailed } from '../../common/once-unless-failed.js';

type ECharts = typeof import('echarts/core');

/**
 * ECharts is loaded with the first chart, not when the service starts: its ~600 modules took
 * 0.6 s of the 2.7 s the application's imports took, in every API and worker process, and most
 * of them never draw a chart. Only what the report charts draw is registered, which also keeps the
 * output stable across ECharts' default bundle.
 */
const loadECharts = onceUnlessFailed(importECharts);

// One import after the other: they share zrender, and Jest's ESM loader fails on modules that
// concurrent dynamic imports are both still linking.
async function importECharts(): Promise<ECharts> {
  const echarts = await import('echarts/core');
  const { BarChart, LineChart } = await import('echarts/charts');
  const { GridComponent, LegendComponent, TitleComponent } = await import('echarts/components');
  const { SVGRenderer } = await import('echarts/renderers');
  echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);
  return echarts;
}

export interface ChartSize {
  width: number;
  height: number;
}

/** Text for the dashboard, Confluence attachments and PNG alike; the PNG renderer ships Noto Sans. */
export const CHART_FONT = "'Noto Sans', 'DejaVu Sans', sans-serif";

/**
 * Renders an ECharts option to an SVG string on the server, with nothing animated. zrender numbers
 * its SVG ids and hover classes with counters that live as long as the process (zr0-c0, zr3-cls-41...);
 * they are replaced by `idPrefix` and renumbered from 0, so the same chart renders to the same text
 * every time and two charts on one page do not share clip-path ids.
 */
export async function renderChartSvg(option: EChartsCoreOption, size: ChartSize, idPrefix: string): Promise<string> {
  const echarts = await loadECharts();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: CHART_FONT }, backgroundColor: '#ffffff', ...option });
    const svg = chart.renderToSVGString();
    const painterId = /class="(zr\d+)-/.exec(svg)?.[1] ?? /id="(zr\d+)-/.exec(svg)?.[1];
    if (!painterId) return svg;
    const classes = new Map<string, number>();
    return svg
      .replace(new RegExp(`(["#.(])${painterId}-cls-(\\d+)`, 'g'), (_, lead: string, n: string) => {
        if (!classes.has(n)) classes.set(n, classes.size);
        return `${lead}${idPrefix}-cls-${classes.get(n)}`;
      })
      .replace(new RegExp(`(["#.(])${painterId}-`, 'g'), `$1${idPrefix}-`);
  } finally {
    chart.dispose();
  }
}

/** An id prefix safe in XML ids and CSS class names. */
export const chartIdPrefix = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');

import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// Only what the report charts draw: keeps start-up light and the output stable across ECharts' default bundle.
echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

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
export function renderChartSvg(option: echarts.EChartsCoreOption, size: ChartSize, idPrefix: string): string {
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

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { inflateSync } from 'node:zlib';

/**
 * Reads an ECharts server-rendered SVG back into numbers, so tests check what the chart shows
 * (which series, which values) rather than a snapshot of its text. ECharts tags every data
 * element with `ecmeta_series_index` / `ecmeta_data_index`; axis labels give the scale.
 */
export interface SvgText {
  text: string;
  x: number;
  y: number;
  anchor: string | undefined;
}

export interface SvgMark {
  series: number;
  dataIndex: number;
  /** Marker centre (line symbols). */
  x: number;
  y: number;
  /** Rectangle (bars): left, top, width, height. */
  rect: { x: number; y: number; width: number; height: number } | null;
  fill: string | undefined;
}

export interface ReadChart {
  width: number;
  height: number;
  ids: string[];
  texts: SvgText[];
  marks: SvgMark[];
  /** Legend entries: series index → name. */
  legend: Map<number, string>;
}

type Node = Record<string, unknown>;

function translate(transform: string | undefined): { x: number; y: number } {
  if (!transform) return { x: 0, y: 0 };
  const matrix = /matrix\(([^)]+)\)/.exec(transform);
  if (matrix) {
    const [, , , , e, f] = matrix[1].split(/[ ,]+/).map(Number);
    return { x: e, y: f };
  }
  const move = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(transform);
  return move ? { x: Number(move[1]), y: Number(move[2]) } : { x: 0, y: 0 };
}

/** `M x y l w 0 l 0 h l -w 0 Z`, the shape ECharts draws for a bar. */
function rectOf(d: string, offset: { x: number; y: number }) {
  const match = /^M([-\d.]+) ([-\d.]+)l([-\d.]+) 0l0 ([-\d.]+)l/.exec(d);
  if (!match) return null;
  const [x, y, width, height] = match.slice(1).map(Number);
  return { x: x + offset.x, y: y + offset.y, width, height };
}

export function readChartSvg(svg: string): ReadChart {
  const valid = XMLValidator.validate(svg);
  if (valid !== true) throw new Error(`not well-formed SVG: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, textNodeName: '#text' });
  const tree = parser.parse(svg) as Node[];
  const chart: ReadChart = { width: 0, height: 0, ids: [], texts: [], marks: [], legend: new Map() };
  const legendItems: Array<{ series: number; x: number; y: number }> = [];

  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      const tag = Object.keys(node).find((key) => key !== ':@')!;
      const attrs = (node[':@'] ?? {}) as Record<string, string>;
      if (attrs.id) chart.ids.push(attrs.id);
      if (tag === 'svg') {
        chart.width = Number(attrs.width);
        chart.height = Number(attrs.height);
      }
      if (tag === 'text') {
        const children = node[tag] as Node[];
        const text = children.map((child) => String(child['#text'] ?? '')).join('');
        const at = translate(attrs.transform);
        chart.texts.push({ text, x: at.x + Number(attrs.x ?? 0), y: at.y + Number(attrs.y ?? 0), anchor: attrs['text-anchor'] });
      }
      if (tag === 'path' && attrs.ecmeta_series_index !== undefined) {
        const at = translate(attrs.transform);
        const series = Number(attrs.ecmeta_series_index);
        if (attrs.ecmeta_ssr_type === 'legend') legendItems.push({ series, x: at.x, y: at.y });
        else
          chart.marks.push({
            series,
            dataIndex: Number(attrs.ecmeta_data_index),
            x: at.x,
            y: at.y,
            rect: rectOf(attrs.d, at),
            fill: attrs.fill,
          });
      }
      const children = node[tag];
      if (Array.isArray(children)) visit(children as Node[]);
    }
  };
  visit(tree);
  // A legend entry's label is the text drawn in the same translated group.
  for (const item of legendItems) {
    const label = chart.texts.find((text) => Math.abs(text.y - item.y - 7) < 1 && text.x > item.x && text.x - item.x < 40);
    if (label) chart.legend.set(item.series, label.text);
  }
  return chart;
}

export function seriesIndex(chart: ReadChart, name: string): number {
  for (const [index, label] of chart.legend) if (label === name) return index;
  throw new Error(`no legend entry ${name}; legend has ${[...chart.legend.values()].join(', ')}`);
}

/** A linear scale from two numeric axis labels: pixel → value. */
export function axisScale(labels: SvgText[], along: 'x' | 'y'): (pixel: number) => number {
  const numeric = labels
    .filter((label) => /^-?[\d.]+$/.test(label.text))
    .map((label) => ({ value: Number(label.text), pixel: label[along] }));
  const lo = numeric.reduce((a, b) => (b.value < a.value ? b : a));
  const hi = numeric.reduce((a, b) => (b.value > a.value ? b : a));
  return (pixel) => lo.value + ((pixel - lo.pixel) * (hi.value - lo.value)) / (hi.pixel - lo.pixel);
}

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA of the pixel at (x, y). */
  pixel(x: number, y: number): [number, number, number, number];
}

/** Enough of PNG to read back what resvg writes: 8-bit RGBA, not interlaced, the five scanline filters. */
export function decodePng(png: Buffer): DecodedPng {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!png.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[9] !== 6 || body[12] !== 0)
        throw new Error(`unexpected PNG format: depth ${body[8]}, colour type ${body[9]}`);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * 4;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const at = Math.round(y) * stride + Math.round(x) * 4;
      return [pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]];
    },
  };
}

export const hex = (color: string): [number, number, number] =>
  [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16)) as [number, number, number];
export const colourDistance = (a: readonly number[], b: readonly number[]): number =>
  Math.max(...[0, 1, 2].map((i) => Math.abs(a[i] - b[i])));

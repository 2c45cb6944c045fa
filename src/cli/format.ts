import { styleText } from 'node:util';

/** One duration format with the Confluence pages, the dashboard and the reviews. */
export { formatDuration } from '../common/format-duration.js';
/** One timestamp format with them too: "2026-12-02 05:01:07 UTC". */
export { formatTimestamp } from '../common/format-timestamp.js';

export function elapsed(from: string | null, to: string | null, now = Date.now()): number | undefined {
  if (!from) return undefined;
  return (to ? Date.parse(to) : now) - Date.parse(from);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * A step's guard and command, labelled apart as on the Confluence page: the guard decides whether
 * the step was already done, the command is what changed the host. Empty when neither ran.
 */
export function stepCommands(output: { guard: string | null; command: string | null }): string {
  return [output.guard ? `# guard\n$ ${output.guard}\n` : '', output.command ? `# command\n$ ${output.command}\n` : ''].join('');
}

export function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export type Paint = (text: string) => string;
export interface Palette {
  ok: Paint;
  bad: Paint;
  warn: Paint;
  dim: Paint;
  bold: Paint;
}

/** Colours on a terminal unless NO_COLOR is set; plain text into files and pipes. */
export function palette(stream: NodeJS.WriteStream): Palette {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const paint =
    (format: Parameters<typeof styleText>[0]): Paint =>
    (text) =>
      on ? styleText(format, text) : text;
  return { ok: paint('green'), bad: paint('red'), warn: paint('yellow'), dim: paint('dim'), bold: paint('bold') };
}

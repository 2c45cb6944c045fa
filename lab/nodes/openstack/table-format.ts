/**
 * The `+----+----+` tables printed by the Liberty CLIs (cliff and the nova/neutron/glance
 * clients all use prettytable): one space of padding, left aligned, a column as wide as
 * its widest cell. A multi-line cell continues on extra lines with the other cells blank.
 */

export type Cell = string | number | boolean | null | undefined;

function cellText(value: Cell): string {
  if (value === null || value === undefined) return '';
  // Python prints booleans capitalised.
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

export function formatTable(headers: string[], rows: Cell[][]): string {
  const texts = rows.map((row) => headers.map((_, i) => cellText(row[i]).split('\n')));
  const widths = headers.map((header, i) => Math.max(header.length, ...texts.map((row) => Math.max(...row[i].map((line) => line.length)))));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [border, line(headers), border];
  for (const row of texts) {
    const height = Math.max(...row.map((lines) => lines.length));
    for (let l = 0; l < height; l++) out.push(line(row.map((lines) => lines[l] ?? '')));
  }
  out.push(border);
  return `${out.join('\n')}\n`;
}

/** A two-column table of one object (`token issue`, `... create`, `nova boot`). */
export function formatRecord(record: Record<string, Cell>, headers: [string, string] = ['Field', 'Value']): string {
  return formatTable(
    headers,
    Object.entries(record).map(([field, value]) => [field, value]),
  );
}

/**
 * openstackclient's output layer (cliff): `-f table|value|json|shell|csv` and `-c COLUMN`
 * over a list (Lister) or one record (ShowOne).
 */
import type { ArgSpec, ParsedArgs } from './cli-args.js';
import { UsageError } from './cli-args.js';
import { type Cell, formatRecord, formatTable } from './table-format.js';

export type CommandOutput =
  | { kind: 'list'; columns: string[]; rows: Cell[][] }
  | { kind: 'record'; record: Record<string, Cell> }
  | { kind: 'none' };

export const LIST_FORMAT_OPTIONS: ArgSpec['options'] = {
  '-f': 'value',
  '-c': 'multi',
  '--quote': 'value',
  '--max-width': 'value',
  '--noindent': 'flag',
};

export const FORMAT_ALIASES: Record<string, string> = { '--format': '-f', '--column': '-c' };

const text = (cell: Cell) => (cell === null || cell === undefined ? '' : String(cell));
const jsonValue = (cell: Cell) => (cell === undefined ? null : cell);

function selectColumns(columns: string[], wanted: string[] | undefined): number[] {
  if (!wanted || wanted.length === 0) return columns.map((_, i) => i);
  return wanted.map((name) => {
    const index = columns.indexOf(name);
    if (index < 0)
      throw new UsageError(`argument -c/--column: invalid choice: '${name}' (choose from ${columns.map((c) => `'${c}'`).join(', ')})`);
    return index;
  });
}

export function renderOutput(output: CommandOutput, parsed: ParsedArgs): string {
  if (output.kind === 'none') return '';
  const format = parsed.values.get('-f') ?? 'table';
  const wanted = parsed.multi.get('-c');
  if (output.kind === 'list') {
    const picked = selectColumns(output.columns, wanted);
    const columns = picked.map((i) => output.columns[i]);
    const rows = output.rows.map((row) => picked.map((i) => row[i]));
    switch (format) {
      case 'table':
        return formatTable(columns, rows);
      case 'value':
        return rows.map((row) => `${row.map(text).join(' ')}\n`).join('');
      case 'json':
        return `${JSON.stringify(
          rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, jsonValue(row[i])]))),
          null,
          4,
        )}\n`;
      case 'csv':
        return [columns, ...rows.map((row) => row.map(text))].map((r) => `${r.map((c) => `"${c}"`).join(',')}\n`).join('');
      default:
        throw new UsageError(`argument -f/--format: invalid choice: '${format}' (choose from 'csv', 'json', 'table', 'value')`);
    }
  }
  const fields = Object.keys(output.record);
  const picked = selectColumns(fields, wanted).map((i) => fields[i]);
  switch (format) {
    case 'table':
      return formatRecord(Object.fromEntries(picked.map((f) => [f, output.record[f]])));
    case 'value':
      return picked.map((f) => `${text(output.record[f])}\n`).join('');
    case 'json':
      return `${JSON.stringify(Object.fromEntries(picked.map((f) => [f, jsonValue(output.record[f])])), null, 4)}\n`;
    case 'shell':
      return picked.map((f) => `${f.replace(/[^A-Za-z0-9_]/g, '_')}="${text(output.record[f])}"\n`).join('');
    default:
      throw new UsageError(`argument -f/--format: invalid choice: '${format}' (choose from 'json', 'shell', 'table', 'value')`);
  }
}

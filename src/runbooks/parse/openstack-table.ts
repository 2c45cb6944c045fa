/**
 * Parsers for the `+----+----+` tables that the openstack, nova, neutron and glance
 * CLIs print (cliff / prettytable). Lines outside a table (warnings, prompts, the
 * command echo) are ignored, so the raw stdout of a command can be passed as is.
 */

export type TableRow = Record<string, string>;

interface RawTable {
  header: string[];
  rows: string[][];
}

const BORDER = /^\s*\+(?:-+\+)+\s*$/;
const ROW = /^\s*\|.*\|\s*$/;

/** Column boundaries are the `+` of the border line: cells may then contain a `|`. */
function borderPositions(border: string): number[] {
  const positions: number[] = [];
  for (let i = 0; i < border.length; i++) if (border[i] === '+') positions.push(i);
  return positions;
}

function splitCells(line: string, positions: number[]): string[] {
  const alignsWithBorder = positions.every((p) => line[p] === '|');
  if (alignsWithBorder) {
    const cells: string[] = [];
    for (let i = 0; i + 1 < positions.length; i++) {
      cells.push(line.slice(positions[i] + 1, positions[i + 1]).trim());
    }
    return cells;
  }
  // Wide (e.g. CJK) characters shift the columns: fall back to splitting on the bars.
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split('|').map((cell) => cell.trim());
}

/**
 * prettytable prints a multi-line cell as extra lines whose other cells are blank;
 * a line with an empty first cell continues the row above it.
 */
function appendRow(rows: string[][], cells: string[]): void {
  const previous = rows[rows.length - 1];
  if (previous && cells[0] === '' && cells.some((cell) => cell !== '')) {
    cells.forEach((cell, i) => {
      if (cell === '') return;
      previous[i] = previous[i] ? `${previous[i]}\n${cell}` : cell;
    });
    return;
  }
  rows.push(cells);
}

function readTables(text: string): RawTable[] {
  const lines = text.split(/\r?\n/);
  const tables: RawTable[] = [];
  let i = 0;
  while (i < lines.length) {
    // A table starts with: border, header row, border.
    if (!(BORDER.test(lines[i]) && ROW.test(lines[i + 1] ?? '') && BORDER.test(lines[i + 2] ?? ''))) {
      i++;
      continue;
    }
    const positions = borderPositions(lines[i]);
    const header = splitCells(lines[i + 1], positions);
    const rows: string[][] = [];
    i += 3;
    while (i < lines.length && ROW.test(lines[i])) {
      appendRow(rows, splitCells(lines[i], positions));
      i++;
    }
    if (i < lines.length && BORDER.test(lines[i])) i++;
    tables.push({ header, rows });
  }
  return tables;
}

function toRecords(table: RawTable): TableRow[] {
  return table.rows.map((cells) => {
    const row: TableRow = {};
    table.header.forEach((column, index) => {
      row[column] = cells[index] ?? '';
    });
    return row;
  });
}

/**
 * Every row of every table in `text`, keyed by the header's column names.
 * Several tables (e.g. `nova endpoints`) give their rows one after another.
 */
export function parseOpenStackTable(text: string): TableRow[] {
  return readTables(text).flatMap(toRecords);
}

function fieldValueRecord(table: RawTable): TableRow {
  if (table.header.length !== 2) {
    throw new Error(`expected a two-column Field/Value table, found ${table.header.length} columns (${table.header.join(', ')})`);
  }
  const record: TableRow = {};
  for (const [field, value] of table.rows) record[field] = value ?? '';
  return record;
}

/** One record per two-column table (`nova endpoints` prints one table per endpoint). */
export function parseFieldValueTables(text: string): TableRow[] {
  return readTables(text).map(fieldValueRecord);
}

/**
 * The Field/Value (or Property/Value) table of `openstack token issue`, `... show`,
 * `nova show` as one record field → value. Throws when the output holds no table.
 */
export function parseFieldValueTable(text: string): TableRow {
  const tables = readTables(text);
  if (tables.length === 0) throw new Error('no Field/Value table found in the command output');
  return fieldValueRecord(tables[0]);
}

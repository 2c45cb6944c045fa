import type { Expectation } from '../model.js';

export interface ExpectationResult {
  ok: boolean;
  /** One sentence per unmet expectation, written for the operator reading the step log. */
  failures: string[];
  /** Every expectation checked, in order, with what it wanted, what the output showed and whether it held. */
  outcomes: ExpectationOutcome[];
}

/** The evidence of one checked expectation (shown in the API step answer and on the Confluence phase page). */
export interface ExpectationOutcome {
  /** The runbook's description of the expectation, else what it wants. */
  name: string;
  expected: string;
  actual: string;
  passed: boolean;
}

type Row = Record<string, string>;
type Match = Record<string, string | RegExp>;

function show(expected: string | RegExp): string {
  return typeof expected === 'string' ? JSON.stringify(expected.trim()) : `matching ${String(expected)}`;
}

/** A RegExp with the g/y flag keeps state between test() calls; match with a stateless copy. */
function cellMatches(cell: string, expected: string | RegExp): boolean {
  if (typeof expected === 'string') return cell.trim() === expected.trim();
  return new RegExp(expected.source, expected.flags.replace(/[gy]/g, '')).test(cell);
}

function mismatches(row: Row, match: Match): string[] {
  return Object.entries(match)
    .filter(([column, expected]) => !(column in row) || !cellMatches(row[column], expected))
    .map(([column]) => column);
}

function describeMatch(match: Match): string {
  return Object.entries(match)
    .map(([column, expected]) => `${column} ${typeof expected === 'string' ? '= ' : ''}${show(expected)}`)
    .join(', ');
}

/** The row as a person would point at it: its first column plus the compared ones. */
function describeRow(row: Row, columns: string[]): string {
  const first = Object.keys(row)[0];
  const shown = first && !columns.includes(first) ? [first, ...columns] : columns;
  return shown.map((column) => `${column}=${JSON.stringify(row[column] ?? '')}`).join(', ');
}

function missingColumns(rows: Row[], match: Match): string | undefined {
  if (rows.length === 0) return undefined;
  const present = Object.keys(rows[0]);
  const missing = Object.keys(match).filter((column) => !present.includes(column));
  if (missing.length === 0) return undefined;
  return `the output has no column ${missing.map((c) => JSON.stringify(c)).join(', ')} (columns: ${present.join(', ')})`;
}

function label(expectation: Expectation, fallback: string): string {
  return expectation.description ? `${expectation.description} (${fallback}): ` : `${fallback}: `;
}

function expectedText(expectation: Expectation): string {
  if (expectation.kind === 'row') return `a row with ${describeMatch(expectation.match)}`;
  if (expectation.kind === 'everyRow') return `every row to have ${describeMatch(expectation.match)}`;
  return `${wantedCount(expectation)} row${/ 1$/.test(wantedCount(expectation)) ? '' : 's'}`;
}

function wantedCount({ min, max }: Extract<Expectation, { kind: 'rowCount' }>): string {
  return min !== undefined && max !== undefined
    ? min === max
      ? `exactly ${min}`
      : `between ${min} and ${max}`
    : min !== undefined
      ? `at least ${min}`
      : `at most ${max}`;
}

/** What the output showed for an expectation that held. */
function passedText(rows: Row[], expectation: Expectation): string {
  if (expectation.kind === 'row') {
    const row = rows.find((candidate) => mismatches(candidate, expectation.match).length === 0)!;
    return `found [${describeRow(row, Object.keys(expectation.match))}]`;
  }
  if (expectation.kind === 'everyRow') return `all ${rows.length} row${rows.length === 1 ? '' : 's'} do`;
  return `found ${rows.length} row${rows.length === 1 ? '' : 's'}`;
}

function checkRow(rows: Row[], expectation: Extract<Expectation, { kind: 'row' }>): string | undefined {
  if (rows.some((row) => mismatches(row, expectation.match).length === 0)) return undefined;
  const prefix = label(expectation, `expected a row with ${describeMatch(expectation.match)}`);
  if (rows.length === 0) return `${prefix}the output has no rows`;
  const columnProblem = missingColumns(rows, expectation.match);
  if (columnProblem) return `${prefix}${columnProblem}`;
  const columns = Object.keys(expectation.match);
  const listed = rows.slice(0, 5).map((row) => `[${describeRow(row, columns)}]`);
  const more = rows.length > 5 ? ` and ${rows.length - 5} more` : '';
  return `${prefix}none of the ${rows.length} rows matched; rows were ${listed.join(', ')}${more}`;
}

function checkEveryRow(rows: Row[], expectation: Extract<Expectation, { kind: 'everyRow' }>): string | undefined {
  const prefix = label(expectation, `expected every row to have ${describeMatch(expectation.match)}`);
  // An empty table proves nothing (e.g. no agent registered at all), so it fails.
  if (rows.length === 0) return `${prefix}the output has no rows`;
  const columnProblem = missingColumns(rows, expectation.match);
  if (columnProblem) return `${prefix}${columnProblem}`;
  const bad = rows
    .map((row, index) => ({ row, index, columns: mismatches(row, expectation.match) }))
    .filter(({ columns }) => columns.length > 0);
  if (bad.length === 0) return undefined;
  const listed = bad.slice(0, 5).map(({ row, index, columns }) => `row ${index + 1} [${describeRow(row, columns)}]`);
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
  return `${prefix}${bad.length} of ${rows.length} rows do not: ${listed.join(', ')}${more}`;
}

function checkRowCount(rows: Row[], expectation: Extract<Expectation, { kind: 'rowCount' }>): string | undefined {
  const { min, max } = expectation;
  if ((min === undefined || rows.length >= min) && (max === undefined || rows.length <= max)) return undefined;
  const wanted = wantedCount(expectation);
  const unit = / 1$/.test(wanted) ? 'row' : 'rows';
  const prefix = label(expectation, `expected ${wanted} ${unit}`);
  return `${prefix}found ${rows.length} row${rows.length === 1 ? '' : 's'}`;
}

/** Checks parsed rows against a verify step's expectations; every unmet one is reported. */
export function checkExpectations(rows: Row[], expectations: Expectation[]): ExpectationResult {
  const failures: string[] = [];
  const outcomes: ExpectationOutcome[] = [];
  for (const expectation of expectations) {
    let failure: string | undefined;
    if (expectation.kind === 'row') failure = checkRow(rows, expectation);
    else if (expectation.kind === 'everyRow') failure = checkEveryRow(rows, expectation);
    else failure = checkRowCount(rows, expectation);
    if (failure) failures.push(failure);
    const expected = expectedText(expectation);
    const prefix = label(expectation, `expected ${expected}`);
    outcomes.push({
      name: expectation.description ?? `expected ${expected}`,
      expected,
      actual: failure ? (failure.startsWith(prefix) ? failure.slice(prefix.length) : failure) : passedText(rows, expectation),
      passed: !failure,
    });
  }
  return { ok: failures.length === 0, failures, outcomes };
}

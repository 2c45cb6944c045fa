import type { Expectation, NodeRole, TableFormat, Template, VerifyStep } from '../model.js';

export interface VerifyDefinition {
  title: string;
  run: Template<string>;
  format: TableFormat;
  expect: Template<Expectation[]>;
  retry?: { attempts: number; intervalMs: number };
  /** Columns whose values are credentials (see VerifyStep.sensitive). */
  sensitive?: string[];
  on?: NodeRole;
}

/** Run a command whose output is a table and check expectations against the parsed rows. */
export function verifyTable(key: string, definition: VerifyDefinition): VerifyStep {
  return { key, kind: 'verify', ...definition };
}

export function expectRow(match: Record<string, string | RegExp>, description?: string): Expectation {
  return description ? { kind: 'row', match, description } : { kind: 'row', match };
}

export function expectEveryRow(match: Record<string, string | RegExp>, description?: string): Expectation {
  return description ? { kind: 'everyRow', match, description } : { kind: 'everyRow', match };
}

export function expectRowCount(bounds: { min?: number; max?: number }, description?: string): Expectation {
  return { kind: 'rowCount', ...bounds, ...(description ? { description } : {}) };
}

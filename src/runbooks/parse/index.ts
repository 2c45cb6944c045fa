import type { TableFormat } from '../model.js';
import { parseListeningPorts } from './listening-ports.js';
import { parseFieldValueTable, parseOpenStackTable, type TableRow } from './openstack-table.js';

export { checkExpectations, type ExpectationOutcome, type ExpectationResult } from './expectations.js';
export { parseListeningPorts, type ListeningPortRow } from './listening-ports.js';
export { parseFieldValueTable, parseFieldValueTables, parseOpenStackTable, type TableRow } from './openstack-table.js';

/**
 * The rows a verify step's expectations are checked against, for its declared format:
 * a Field/Value table becomes a single row of field → value.
 */
export function parseVerifyOutput(format: TableFormat, text: string): TableRow[] {
  switch (format) {
    case 'table':
      return parseOpenStackTable(text);
    case 'fieldValue':
      return [parseFieldValueTable(text)];
    case 'ports':
      return parseListeningPorts(text);
  }
}

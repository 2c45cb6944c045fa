import { netstat } from './fixtures/cli-format-tables.js';
import { hostList, tokenIssue } from './fixtures/seed-tables.js';
import { parseVerifyOutput } from './index.js';

describe('parseVerifyOutput', () => {
  it('gives the rows of a list table', () => {
    expect(parseVerifyOutput('table', hostList)).toHaveLength(5);
  });

  it('gives one row of field → value for a Field/Value table', () => {
    expect(parseVerifyOutput('fieldValue', tokenIssue)).toEqual([
      expect.objectContaining({ project_id: '9bc39520b1e44036988f286d95975639' }),
    ]);
  });

  it('gives listening sockets for the ports format', () => {
    expect(parseVerifyOutput('ports', netstat).some((row) => row.Port === '9696' && row.State === 'LISTEN')).toBe(true);
  });
});

import { agentListController, agentListWithCompute, hostList, novaImageList } from './fixtures/seed-tables.js';
import { checkExpectations } from './expectations.js';
import { parseOpenStackTable } from './openstack-table.js';

describe('checkExpectations', () => {
  const hosts = parseOpenStackTable(hostList);

  it('passes when some row has the expected values, comparing trimmed strings exactly', () => {
    const result = checkExpectations(hosts, [
      { kind: 'row', match: { 'Host Name': ' linux-node2.example.com ', Service: 'compute', Zone: 'nova' } },
    ]);
    expect(result.ok).toBe(true);
    expect(result.failures).toEqual([]);
  });

  it('does not accept a prefix as an exact match', () => {
    const result = checkExpectations(hosts, [{ kind: 'row', match: { Service: 'comp' } }]);
    expect(result.ok).toBe(false);
  });

  it('names the wanted values and shows the rows when no row matches', () => {
    const result = checkExpectations(hosts, [
      {
        kind: 'row',
        match: { 'Host Name': 'linux-node3.example.com', Service: 'compute' },
        description: 'nova-compute of linux-node3 is registered',
      },
    ]);
    expect(result.ok).toBe(false);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toContain('nova-compute of linux-node3 is registered');
    expect(result.failures[0]).toContain('Host Name = "linux-node3.example.com"');
    expect(result.failures[0]).toContain('none of the 5 rows matched');
    expect(result.failures[0]).toContain('Service="cert"');
  });

  it('matches a RegExp, even one with the global flag used twice', () => {
    const active = /^active$/gi;
    const rows = parseOpenStackTable(novaImageList);
    expect(checkExpectations(rows, [{ kind: 'row', match: { Status: active } }]).ok).toBe(true);
    expect(checkExpectations(rows, [{ kind: 'row', match: { Status: active } }]).ok).toBe(true);
  });

  it('reports a column the table does not have', () => {
    const result = checkExpectations(hosts, [{ kind: 'row', match: { State: 'up' } }]);
    expect(result.failures[0]).toMatch(/no column "State" \(columns: Host Name, Service, Zone\)/);
  });

  it('checks every row and lists the rows that fail', () => {
    const rows = parseOpenStackTable(agentListWithCompute);
    expect(checkExpectations(rows, [{ kind: 'everyRow', match: { alive: ':-)' } }]).ok).toBe(true);
    rows[3].alive = 'xxx';
    const result = checkExpectations(rows, [{ kind: 'everyRow', match: { alive: ':-)' }, description: 'every agent is alive' }]);
    expect(result.ok).toBe(false);
    expect(result.failures[0]).toContain('every agent is alive');
    expect(result.failures[0]).toContain('1 of 4 rows do not');
    expect(result.failures[0]).toContain('row 4 [id="d72668fa-c2c2-4ffc-8b3b-702062b5f2af", alive="xxx"]');
  });

  it('fails everyRow on an empty table, which proves nothing', () => {
    const result = checkExpectations([], [{ kind: 'everyRow', match: { alive: ':-)' } }]);
    expect(result.failures).toEqual(['expected every row to have alive = ":-)": the output has no rows']);
  });

  it('counts rows against min and max', () => {
    const rows = parseOpenStackTable(agentListController);
    expect(checkExpectations(rows, [{ kind: 'rowCount', min: 2, max: 2 }]).ok).toBe(true);
    expect(checkExpectations(rows, [{ kind: 'rowCount', min: 4 }]).failures).toEqual(['expected at least 4 rows: found 2 rows']);
    expect(checkExpectations(rows, [{ kind: 'rowCount', max: 1 }]).failures).toEqual(['expected at most 1 row: found 2 rows']);
    expect(checkExpectations(rows, [{ kind: 'rowCount', min: 3, max: 3 }]).failures).toEqual(['expected exactly 3 rows: found 2 rows']);
  });

  it('reports every unmet expectation, not only the first', () => {
    const result = checkExpectations(hosts, [
      { kind: 'rowCount', min: 6 },
      { kind: 'row', match: { Service: 'compute' } },
      { kind: 'row', match: { Service: 'api' } },
    ]);
    expect(result.failures).toHaveLength(2);
  });
});

describe('checkExpectations outcomes (verification evidence)', () => {
  const hosts = parseOpenStackTable(hostList);

  it('lists every expectation checked with what it wanted, what the output showed and whether it held', () => {
    const result = checkExpectations(hosts, [
      { kind: 'row', match: { 'Host Name': 'linux-node2.example.com', Service: 'compute' }, description: 'compute of node2 is registered' },
      { kind: 'rowCount', min: 9 },
      { kind: 'everyRow', match: { Zone: /./ } },
    ]);
    expect(result.outcomes).toEqual([
      {
        name: 'compute of node2 is registered',
        expected: 'a row with Host Name = "linux-node2.example.com", Service = "compute"',
        actual: expect.stringContaining('Service="compute"'),
        passed: true,
      },
      { name: 'expected at least 9 rows', expected: 'at least 9 rows', actual: 'found 5 rows', passed: false },
      {
        name: 'expected every row to have Zone matching /./',
        expected: 'every row to have Zone matching /./',
        actual: 'all 5 rows do',
        passed: true,
      },
    ]);
    expect(result.failures).toEqual(['expected at least 9 rows: found 5 rows']);
  });
});

import { parseFieldValueTable, parseOpenStackTable } from '../../../src/runbooks/parse/openstack-table.js';
import { formatRecord, formatTable } from './table-format.js';

describe('PrettyTable output as the Liberty clients print it', () => {
  it('reproduces the seed neutron subnet-list table byte for byte', () => {
    const seed = [
      '+--------------------------------------+-------------+-----------------+------------------------------------------------------+',
      '| id                                   | name        | cidr            | allocation_pools                                     |',
      '+--------------------------------------+-------------+-----------------+------------------------------------------------------+',
      '| d998dd66-4b6c-4ace-8af1-d56f910bc412 | flat-subnet | 192.168.56.0/24 | {"start": "192.168.56.100", "end": "192.168.56.200"} |',
      '+--------------------------------------+-------------+-----------------+------------------------------------------------------+',
      '',
    ].join('\n');
    const printed = formatTable(
      ['id', 'name', 'cidr', 'allocation_pools'],
      [['d998dd66-4b6c-4ace-8af1-d56f910bc412', 'flat-subnet', '192.168.56.0/24', '{"start": "192.168.56.100", "end": "192.168.56.200"}']],
    );
    expect(printed).toBe(seed);
  });

  it('reproduces the seed token issue Field/Value table', () => {
    const printed = formatRecord({
      expires: '2016-07-08T08:55:14.760284Z',
      id: '2f69696055bc4364abe08541c1f17622',
      project_id: '9bc39520b1e44036988f286d95975639',
      user_id: 'beaa5b94925845868e67bb7de63e0ea2',
    });
    expect(printed.split('\n').slice(0, 4)).toEqual([
      '+------------+----------------------------------+',
      '| Field      | Value                            |',
      '+------------+----------------------------------+',
      '| expires    | 2016-07-08T08:55:14.760284Z      |',
    ]);
    expect(parseFieldValueTable(printed)).toEqual({
      expires: '2016-07-08T08:55:14.760284Z',
      id: '2f69696055bc4364abe08541c1f17622',
      project_id: '9bc39520b1e44036988f286d95975639',
      user_id: 'beaa5b94925845868e67bb7de63e0ea2',
    });
  });

  it('prints an empty list as header only, booleans the Python way, multi-line cells on extra lines, and parses back', () => {
    expect(formatTable(['ID', 'Name'], [])).toBe('+----+------+\n| ID | Name |\n+----+------+\n+----+------+\n');
    const printed = formatTable(
      ['id', 'enabled', 'subnets'],
      [
        ['n1', true, 'a 10.0.0.0/24\nb 10.0.1.0/24'],
        ['n2', false, null],
      ],
    );
    expect(printed).toContain('| n1 | True    | a 10.0.0.0/24 |\n|    |         | b 10.0.1.0/24 |');
    expect(parseOpenStackTable(printed)).toEqual([
      { id: 'n1', enabled: 'True', subnets: 'a 10.0.0.0/24\nb 10.0.1.0/24' },
      { id: 'n2', enabled: 'False', subnets: '' },
    ]);
  });
});

import * as cli from './fixtures/cli-format-tables.js';
import * as seed from './fixtures/seed-tables.js';
import { parseFieldValueTable, parseFieldValueTables, parseOpenStackTable } from './openstack-table.js';

describe('parseOpenStackTable on the seed tables', () => {
  it('reads openstack user list, skipping the prompt line', () => {
    expect(parseOpenStackTable(seed.userList)).toEqual([
      { ID: '3e59d7ff78ae4b53a28c4c66456c0e73', Name: 'demo' },
      { ID: 'beaa5b94925845868e67bb7de63e0ea2', Name: 'admin' },
    ]);
  });

  it('reads openstack role list with a noise line after the table', () => {
    expect(parseOpenStackTable(seed.roleList)).toEqual([
      { ID: '3d1031b90b3e45718e12fcb4675db62d', Name: 'user' },
      { ID: '8f79ee46270d4e2ebbac38d3c0751f94', Name: 'admin' },
    ]);
  });

  it('reads openstack project list', () => {
    expect(parseOpenStackTable(seed.projectList).map((row) => row.Name)).toEqual(['admin', 'service', 'demo']);
  });

  it('reads openstack host list with a column name containing a space', () => {
    const rows = parseOpenStackTable(seed.hostList);
    expect(rows).toHaveLength(5);
    expect(rows[4]).toEqual({ 'Host Name': 'linux-node2.example.com', Service: 'compute', Zone: 'nova' });
    expect(rows.map((row) => row.Service)).toEqual(['cert', 'conductor', 'consoleauth', 'scheduler', 'compute']);
  });

  it('keeps an empty cell as an empty string (nova image-list Server)', () => {
    expect(parseOpenStackTable(seed.novaImageList)).toEqual([
      { ID: 'e4b42550-7615-4c64-b7cf-78ddc2a17545', Name: 'cirros', Status: 'ACTIVE', Server: '' },
    ]);
  });

  it('reads the :-) alive column of neutron agent-list', () => {
    const rows = parseOpenStackTable(seed.agentListWithCompute);
    expect(rows).toHaveLength(4);
    expect(rows.map((row) => row.alive)).toEqual([':-)', ':-)', ':-)', ':-)']);
    expect(rows[3]).toEqual({
      id: 'd72668fa-c2c2-4ffc-8b3b-702062b5f2af',
      agent_type: 'Linux bridge agent',
      host: 'linux-node2.example.com',
      alive: ':-)',
      admin_state_up: 'True',
      binary: 'neutron-linuxbridge-agent',
    });
    expect(parseOpenStackTable(seed.agentListController).map((row) => row.agent_type)).toEqual(['Metadata agent', 'Linux bridge agent']);
  });

  it('reads neutron subnet-list with the JSON allocation pool intact', () => {
    expect(parseOpenStackTable(seed.subnetList)).toEqual([
      {
        id: 'd998dd66-4b6c-4ace-8af1-d56f910bc412',
        name: 'flat-subnet',
        cidr: '192.168.56.0/24',
        allocation_pools: '{"start": "192.168.56.100", "end": "192.168.56.200"}',
      },
    ]);
  });

  it('reads neutron net-list and ignores the note after it', () => {
    expect(parseOpenStackTable(seed.netList)).toEqual([
      {
        id: '18d16cc9-e32d-470e-b179-8946b6502d8c',
        name: 'flat',
        subnets: 'd998dd66-4b6c-4ace-8af1-d56f910bc412 192.168.56.0/24',
      },
    ]);
  });

  it('joins the continuation lines of a multi-line cell into its row', () => {
    const rows = parseOpenStackTable(cli.netListMultiLine);
    expect(rows).toHaveLength(2);
    expect(rows[0].subnets).toBe(
      'd998dd66-4b6c-4ace-8af1-d56f910bc412 192.168.56.0/24\n5f1c7a36-2b57-4bd8-9d1e-0f2a4c7b9e10 192.168.57.0/24',
    );
    expect(rows[1].name).toBe('private');
  });

  it('reads endpoint list, nova list and the vnc console table', () => {
    const endpoints = parseOpenStackTable(cli.endpointList);
    expect(endpoints.filter((row) => row['Service Type'] === 'compute').map((row) => row.Interface)).toEqual([
      'internal',
      'public',
      'admin',
    ]);
    expect(parseOpenStackTable(cli.novaList)[0]).toMatchObject({ Name: 'hello-instance', Status: 'ACTIVE' });
    expect(parseOpenStackTable(cli.vncConsole)[0].Url).toMatch(/^http:\/\/192\.168\.56\.11:6080\/vnc_auto\.html\?token=/);
  });

  it('returns no rows for output without a table', () => {
    expect(parseOpenStackTable('WARNING: nothing here\n')).toEqual([]);
    expect(parseOpenStackTable('')).toEqual([]);
  });

  it('reads a table that has a header and no rows', () => {
    expect(parseOpenStackTable('+----+------+\n| id | name |\n+----+------+\n+----+------+\n')).toEqual([]);
  });
});

describe('parseFieldValueTable', () => {
  it('reads openstack token issue into field → value', () => {
    expect(parseFieldValueTable(seed.tokenIssue)).toEqual({
      expires: '2016-07-08T08:55:14.760284Z',
      id: '2f69696055bc4364abe08541c1f17622',
      project_id: '9bc39520b1e44036988f286d95975639',
      user_id: 'beaa5b94925845868e67bb7de63e0ea2',
    });
  });

  it('reads every table of nova endpoints between the WARNING lines', () => {
    const endpoints = parseFieldValueTables(seed.novaEndpoints);
    expect(endpoints).toHaveLength(9);
    expect(endpoints[0]).toEqual({
      id: '37d7b5468c484ad4aee98b0e62bb5308',
      interface: 'internal',
      region: 'RegionOne',
      region_id: 'RegionOne',
      url: 'http://192.168.56.11:8774/v2/9bc39520b1e44036988f286d95975639',
    });
    expect(endpoints.map((endpoint) => endpoint.url)).toContain('http://192.168.56.11:35357/v2.0');
  });

  it('joins a value that continues on the next line', () => {
    const show = [
      '+----------+---------------------+',
      '| Property | Value               |',
      '+----------+---------------------+',
      '| id       | 8ad2f3a5            |',
      '| networks | flat=192.168.56.101 |',
      '|          | private=10.0.0.5    |',
      '| status   | ACTIVE              |',
      '+----------+---------------------+',
    ].join('\n');
    expect(parseFieldValueTable(show)).toEqual({ id: '8ad2f3a5', networks: 'flat=192.168.56.101\nprivate=10.0.0.5', status: 'ACTIVE' });
  });

  it('says so when the output holds no table', () => {
    expect(() => parseFieldValueTable('ERROR: Unable to establish connection')).toThrow(/no Field\/Value table/);
  });

  it('refuses a list table with more than two columns', () => {
    expect(() => parseFieldValueTable(seed.hostList)).toThrow(/two-column.*3 columns/);
  });
});

import { parseFieldValueTable, parseFieldValueTables, parseOpenStackTable } from '../../../src/runbooks/parse/openstack-table.js';
import { type CloudLab, keystoneReady, startCloudLab } from './cloud-lab.fixture.js';
import { servicesReady } from './cloud-services.fixture.js';

describe('Glance, Nova and Neutron on a two-node lab, driven by the seed command lines', () => {
  let lab: CloudLab;
  const admin = (line: string) => lab.controller.sh(`source /root/admin-openrc.sh && ${line}`);
  const demo = (line: string) => lab.controller.sh(`source /root/demo-openrc.sh && ${line}`);
  /** Nodes whose address the Linux bridge agent moved onto a bridge, in order. */
  const moves: string[] = [];

  beforeAll(async () => {
    lab = await startCloudLab({ buildDurationMs: 60_000 });
    await keystoneReady(lab);
    await servicesReady(lab);
  });

  it('shows the nova services of both nodes in openstack host list, as in the seed', async () => {
    const hosts = await admin('openstack host list');
    expect(hosts.exitCode).toBe(0);
    expect(hosts.stdout).toBe(
      [
        '+-------------------------+-------------+----------+',
        '| Host Name               | Service     | Zone     |',
        '+-------------------------+-------------+----------+',
        '| linux-node1.example.com | cert        | internal |',
        '| linux-node1.example.com | conductor   | internal |',
        '| linux-node1.example.com | consoleauth | internal |',
        '| linux-node1.example.com | scheduler   | internal |',
        '| linux-node2.example.com | compute     | nova     |',
        '+-------------------------+-------------+----------+',
        '',
      ].join('\n'),
    );
  });

  it('lists the four neutron agents alive, and xxx for one whose unit stopped', async () => {
    const agents = parseOpenStackTable((await admin('neutron agent-list')).stdout);
    expect(agents.map((a) => [a.agent_type, a.host, a.alive, a.admin_state_up, a.binary]).sort()).toEqual([
      ['DHCP agent', 'linux-node1.example.com', ':-)', 'True', 'neutron-dhcp-agent'],
      ['Linux bridge agent', 'linux-node1.example.com', ':-)', 'True', 'neutron-linuxbridge-agent'],
      ['Linux bridge agent', 'linux-node2.example.com', ':-)', 'True', 'neutron-linuxbridge-agent'],
      ['Metadata agent', 'linux-node1.example.com', ':-)', 'True', 'neutron-metadata-agent'],
    ]);
    await lab.compute.sh('systemctl stop neutron-linuxbridge-agent');
    const after = parseOpenStackTable((await admin('neutron agent-list')).stdout);
    expect(after.find((a) => a.host === 'linux-node2.example.com')?.alive).toBe('xxx');
    await lab.compute.sh('systemctl start neutron-linuxbridge-agent');
  });

  it('uploads cirros from the file on the node and lists it ACTIVE', async () => {
    const missing = await admin(
      'cd /server/tools 2>/dev/null; glance image-create --name cirros --file nowhere.img --disk-format qcow2 --container-format bare --visibility public',
    );
    expect(missing).toMatchObject({ exitCode: 1, stderr: "[Errno 2] No such file or directory: 'nowhere.img'\n" });
    const created = await admin(
      'mkdir -p /server/tools && cd /server/tools && printf "QFI\\373cirros" > cirros-0.3.4-x86_64-disk.img && ' +
        'glance image-create --name "cirros" --file cirros-0.3.4-x86_64-disk.img --disk-format qcow2 --container-format bare --visibility public --progress',
    );
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/^\[=+>\] 100%\n/);
    const noFormats = await admin('glance image-create --name nameless --file /server/tools/cirros-0.3.4-x86_64-disk.img');
    expect(noFormats.exitCode).toBe(1);
    expect(noFormats.stderr).toContain('disk_format, container_format must be set prior to saving data');
    const size = (await admin('wc -c < /server/tools/cirros-0.3.4-x86_64-disk.img')).stdout.trim();
    const checksum = (await admin('md5sum /server/tools/cirros-0.3.4-x86_64-disk.img')).stdout.split(' ')[0];
    expect(parseFieldValueTable(created.stdout)).toMatchObject({
      name: 'cirros',
      status: 'active',
      disk_format: 'qcow2',
      visibility: 'public',
      size,
      checksum,
    });
    const images = parseOpenStackTable((await admin('nova image-list')).stdout);
    expect(images).toEqual([{ ID: expect.stringMatching(/^[0-9a-f-]{36}$/), Name: 'cirros', Status: 'ACTIVE', Server: '' }]);
    expect(parseOpenStackTable((await demo('glance image-list')).stdout).map((i) => i.Name)).toEqual(['cirros']);
  });

  it('creates the flat provider network and its subnet with the seed allocation pool', async () => {
    const net = await admin('neutron net-create flat --shared --provider:physical_network physnet1 --provider:network_type flat');
    expect(net.exitCode).toBe(0);
    expect(net.stdout.startsWith('Created a new network:\n')).toBe(true);
    expect(parseFieldValueTable(net.stdout)).toMatchObject({
      name: 'flat',
      shared: 'True',
      'provider:physical_network': 'physnet1',
      'provider:network_type': 'flat',
    });
    lab.controller.host.onAddressMoved = () => moves.push('controller');
    lab.compute.host.onAddressMoved = () => moves.push('compute');
    const unknownPhysnet = await admin('neutron net-create other --provider:physical_network physnet9 --provider:network_type flat');
    expect(unknownPhysnet.exitCode).toBe(1);
    expect(unknownPhysnet.stderr).toContain("physical_network 'physnet9' unknown for flat provider network");
    const subnet = await admin(
      'neutron subnet-create flat 192.168.56.0/24 --name flat-subnet --allocation-pool start=192.168.56.100,end=192.168.56.200 --dns-nameserver 192.168.56.2 --gateway 192.168.56.2',
    );
    expect(subnet.exitCode).toBe(0);
    // The DHCP port bound on the controller: its Linux bridge agent made the bridge and moved eth0's address onto it, once.
    expect(moves).toEqual(['controller']);
    expect([...lab.controller.host.bridges.values()]).toEqual([`brq${parseFieldValueTable(net.stdout).id!.slice(0, 11)}`]);
    const subnets = parseOpenStackTable((await admin('neutron subnet-list')).stdout);
    expect(subnets).toEqual([
      {
        id: expect.any(String),
        name: 'flat-subnet',
        cidr: '192.168.56.0/24',
        allocation_pools: '{"start": "192.168.56.100", "end": "192.168.56.200"}',
      },
    ]);
    expect((await demo('neutron net-list -f value -c name')).stdout).toBe('flat\n');
    const netId = (await demo('neutron net-show flat -f value -c id')).stdout.trim();
    const nets = parseOpenStackTable((await demo('neutron net-list')).stdout);
    expect(nets[0]!.id).toBe(netId);
    expect(nets).toEqual([{ id: expect.any(String), name: 'flat', subnets: `${subnets[0]!.id} 192.168.56.0/24` }]);
  });

  it('boots hello-instance only with an existing image and network, BUILD then ACTIVE, and gives its console URL', async () => {
    const id = parseOpenStackTable((await demo('neutron net-list')).stdout)[0]!.id;
    expect((await demo('ssh-keygen -q -N "" -f /root/.ssh/id_rsa && nova keypair-add --pub-key .ssh/id_rsa.pub mykey')).exitCode).toBe(0);
    expect(parseOpenStackTable((await demo('nova keypair-list')).stdout)).toEqual([
      { Name: 'mykey', Fingerprint: expect.stringMatching(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/) },
    ]);
    expect((await demo('nova secgroup-add-rule default icmp -1 -1 0.0.0.0/0')).stdout).toContain(
      '| icmp        | -1        | -1      | 0.0.0.0/0 |              |',
    );
    expect((await demo('nova secgroup-add-rule default tcp 22 22 0.0.0.0/0')).exitCode).toBe(0);
    expect((await demo('nova secgroup-add-rule default tcp 22 22 0.0.0.0/0')).stderr).toContain(
      'ERROR (Conflict): Security group rule already exists',
    );

    const noImage = await demo(
      `nova boot --flavor m1.tiny --image ubuntu --nic net-id=${id} --security-group default --key-name mykey hello-instance`,
    );
    expect(noImage).toMatchObject({ exitCode: 1, stderr: "ERROR (CommandError): No image with a name or ID of 'ubuntu' exists.\n" });
    const noNetwork = await demo(
      'nova boot --flavor m1.tiny --image cirros --nic net-id=18d16cc9-e32d-470e-b179-8946b6502d8c --security-group default --key-name mykey hello-instance',
    );
    expect(noNetwork.exitCode).toBe(1);
    expect(noNetwork.stderr).toMatch(
      /^ERROR \(BadRequest\): Network 18d16cc9-e32d-470e-b179-8946b6502d8c could not be found\. \(HTTP 400\)/,
    );

    // The runbook's own lookup of the network id from the table.
    const boot = await demo(
      `nova boot --flavor m1.tiny --image cirros --nic net-id=$(neutron net-list | awk -v name=flat '$4 == name {print $2}') --security-group default --key-name mykey hello-instance`,
    );
    expect(boot.exitCode).toBe(0);
    // Its port bound on the compute node, whose agent moved that node's address in turn; the controller's stays where it went.
    expect(moves).toEqual(['controller', 'compute']);
    expect(parseFieldValueTable(boot.stdout)).toMatchObject({
      name: 'hello-instance',
      status: 'BUILD',
      flavor: 'm1.tiny (1)',
      key_name: 'mykey',
    });
    const first = parseOpenStackTable((await demo('nova list')).stdout);
    expect(first).toEqual([
      {
        ID: expect.any(String),
        Name: 'hello-instance',
        Status: 'BUILD',
        'Task State': 'spawning',
        'Power State': 'NOSTATE',
        Networks: 'flat=192.168.56.101',
      },
    ]);
    const second = parseOpenStackTable((await demo('nova list')).stdout);
    expect(second[0]).toMatchObject({ Status: 'ACTIVE', 'Task State': '-', 'Power State': 'Running' });
    const vnc = parseOpenStackTable((await demo('nova get-vnc-console hello-instance novnc')).stdout);
    expect(vnc).toEqual([
      { Type: 'novnc', Url: expect.stringMatching(/^http:\/\/192\.168\.56\.11:6080\/vnc_auto\.html\?token=[0-9a-f-]{36}$/) },
    ]);
  });

  it('prints nova endpoints like the seed: a WARNING line, then one table per endpoint with the project id in the compute URL', async () => {
    const out = (await admin('nova endpoints')).stdout;
    expect(out).toContain('WARNING: nova has no endpoint in ! Available endpoints for this service:\n+-----------+');
    const adminProject = (await admin('openstack project show admin -f value -c id')).stdout.trim();
    const novaUrls = parseFieldValueTables(out)
      .map((t) => t.url)
      .filter((url) => url!.includes(':8774/'));
    expect(novaUrls).toEqual([1, 2, 3].map(() => `http://192.168.56.11:8774/v2/${adminProject}`));
    const roles = await admin('openstack role list --project service --user nova -f value -c Name');
    expect(roles.stdout).toBe('admin\n');
    const long = parseOpenStackTable((await admin('openstack image list --long')).stdout);
    expect(long[0]).toMatchObject({
      Name: 'cirros',
      'Disk Format': 'qcow2',
      'Container Format': 'bare',
      Status: 'active',
      Visibility: 'public',
    });
  });

  it('fails a boot with "Binding failed" when the chosen compute node has no Linux bridge agent alive', async () => {
    await lab.compute.sh('systemctl stop neutron-linuxbridge-agent');
    try {
      const boot = await demo(
        'nova boot --flavor m1.tiny --image cirros --security-group default --key-name mykey vm-unbound && nova list',
      );
      expect(boot.exitCode).toBe(0);
      expect(parseOpenStackTable(boot.stdout).find((r) => r.Name === 'vm-unbound')).toMatchObject({ Status: 'ERROR', Networks: '' });
      expect(parseFieldValueTable((await demo('nova show vm-unbound')).stdout).fault).toContain('Binding failed for port');
    } finally {
      await lab.compute.sh('systemctl start neutron-linuxbridge-agent');
    }
  });

  it('lists the flavors Liberty ships', async () => {
    const flavors = parseOpenStackTable((await demo('nova flavor-list')).stdout);
    expect(flavors.map((f) => [f.Name, f.Memory_MB, f.Disk, f.VCPUs])).toEqual([
      ['m1.tiny', '512', '1', '1'],
      ['m1.small', '2048', '20', '1'],
      ['m1.medium', '4096', '40', '2'],
      ['m1.large', '8192', '80', '4'],
      ['m1.xlarge', '16384', '160', '8'],
    ]);
  });

  it('answers unknown subcommands with exit status 2', async () => {
    for (const line of ['nova hots-list', 'neutron agnet-list', 'glance image-lst']) {
      const result = await admin(line);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/invalid choice|Unknown command/);
    }
  });
});

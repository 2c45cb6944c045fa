import { Bash, defineCommand } from 'just-bash';
import type { Inventory, Phase, PlannedStep } from '../model.js';
import { checkExpectations, parseVerifyOutput } from '../parse/index.js';
import { maskSecrets, sensitiveValues } from '../secrets.js';
import * as cli from '../parse/fixtures/cli-format-tables.js';
import * as seed from '../parse/fixtures/seed-tables.js';
import { exampleInventory } from './example-inventory.js';
import { firstInstance } from './first-instance.js';
import { neutronCompute } from './neutron-compute.js';
import { neutronController } from './neutron-controller.js';
import { contextFor, freshSecrets, otherInventory, renderPhaseFor } from './nova-neutron.fixture.js';
import { novaCompute } from './nova-compute.js';
import { novaController } from './nova-controller.js';
import { neutronListHasName, providerNetwork } from './provider-network.js';

/** Every expectation held: no failure, and each recorded outcome passed. */
const ALL_PASSED = { ok: true, failures: [], outcomes: expect.not.arrayContaining([expect.objectContaining({ passed: false })]) };

/** A step of a phase as planned on the controller (where every verification runs). */
function onController(phase: Phase, key: string, inventory: Inventory = exampleInventory()): PlannedStep {
  const ctx = contextFor(inventory, freshSecrets(), inventory.nodes[0].name);
  const step = renderPhaseFor(phase, ctx).find((candidate) => candidate.key === key);
  if (!step) throw new Error(`no step ${key} in ${phase.key} on the controller`);
  return step;
}

function check(step: PlannedStep, output: string) {
  if (!step.verify) throw new Error(`${step.key} is not a verification`);
  return checkExpectations(parseVerifyOutput(step.verify.format, output), step.verify.expect);
}

describe("verifications against the seed's own tables", () => {
  it('nova-controller: openstack host list shows cert, conductor, consoleauth and scheduler', () => {
    expect(check(onController(novaController, 'verify-controller-hosts'), seed.hostList)).toMatchObject(ALL_PASSED);
  });

  it('nova-controller: the three compute endpoints with /v2/%(tenant_id)s', () => {
    expect(check(onController(novaController, 'verify-compute-endpoints'), cli.endpointList).ok).toBe(true);
  });

  it('nova-compute: the compute service of linux-node2, and a missing node is named', () => {
    expect(check(onController(novaCompute, 'verify-compute-hosts'), seed.hostList).ok).toBe(true);
    const other = check(onController(novaCompute, 'verify-compute-hosts', otherInventory()), seed.hostList);
    expect(other.failures).toHaveLength(2);
    expect(other.failures[0]).toContain('nova-compute on cmp01.cloud.test reports in');
  });

  it('nova service-list: the controller services and nova-compute of every compute node enabled and up', () => {
    expect(check(onController(novaController, 'verify-controller-services-up'), cli.novaServiceList)).toMatchObject(ALL_PASSED);
    expect(check(onController(novaCompute, 'verify-compute-services-up'), cli.novaServiceList)).toMatchObject(ALL_PASSED);
    const down = cli.novaServiceList.replace(/(linux-node2\.example\.com \| nova {5}\| enabled \| )up /, '$1down');
    expect(check(onController(novaCompute, 'verify-compute-services-up'), down).failures).toEqual([
      expect.stringContaining('nova-compute on linux-node2.example.com is enabled and up'),
    ]);
  });

  it('nova-compute verifies with retries, since nova-compute reports in after it starts', () => {
    expect(onController(novaCompute, 'verify-compute-hosts').verify?.retry?.attempts).toBeGreaterThan(1);
  });

  it('neutron-controller: metadata, Linux bridge and DHCP agents alive', () => {
    const step = onController(neutronController, 'verify-controller-agents');
    expect(check(step, seed.agentListWithCompute).ok).toBe(true);
    // The seed's first agent-list was taken before the DHCP agent reported in.
    expect(check(step, seed.agentListController).failures).toEqual([
      expect.stringMatching(/^the DHCP agent on linux-node1.example.com is alive/),
    ]);
  });

  it('neutron-compute: a Linux bridge agent per compute node, four agents in all, all alive', () => {
    const step = onController(neutronCompute, 'verify-compute-agents');
    expect(check(step, seed.agentListWithCompute)).toMatchObject(ALL_PASSED);
    const before = check(step, seed.agentListController);
    expect(before.failures).toEqual([
      expect.stringContaining('the Linux bridge agent on linux-node2.example.com is alive'),
      expect.stringContaining('found 2 rows'),
    ]);
    const dead = seed.agentListWithCompute.replace(/(linux-node2\.example\.com \| ):-\)/, '$1xxx');
    expect(check(step, dead).failures.join('\n')).toContain('every agent is alive and up');
  });

  it("provider-network: net-list and subnet-list show flat and flat-subnet with the seed's pool", () => {
    expect(check(onController(providerNetwork, 'verify-net-list'), seed.netList).ok).toBe(true);
    expect(check(onController(providerNetwork, 'verify-subnet-list'), seed.subnetList).ok).toBe(true);
    const other = check(onController(providerNetwork, 'verify-subnet-list', otherInventory()), seed.subnetList);
    expect(other.failures[0]).toContain('subnet public-subnet has 172.24.4.0/24');
  });

  it('first-instance: cirros ACTIVE in nova image-list, hello-instance ACTIVE in nova list', () => {
    expect(check(onController(firstInstance, 'verify-image-list'), seed.novaImageList).ok).toBe(true);
    const active = onController(firstInstance, 'verify-instance-active');
    expect(check(active, cli.novaList).ok).toBe(true);
    expect(check(active, cli.novaList.replace('ACTIVE', 'BUILD ').replace('Running', 'NOSTATE')).ok).toBe(false);
    expect(active.verify?.retry?.attempts).toBeGreaterThan(1);
  });

  it('first-instance: the noVNC console URL is on the controller', () => {
    const step = onController(firstInstance, 'verify-vnc-console');
    expect(check(step, cli.vncConsole).ok).toBe(true);
    // The console token is a credential: masked wherever the output goes, the rest of the URL kept.
    const rows = parseVerifyOutput('table', cli.vncConsole);
    const masked = maskSecrets(cli.vncConsole, sensitiveValues(rows, step.verify?.sensitive));
    expect(masked).not.toContain('2ec7ad2a-4e3b-4d8e-9d6a-0d0b6ad2f7c1');
    expect(masked).toContain('http://192.168.56.11:6080/vnc_auto.html?token=');
    expect(check(onController(firstInstance, 'verify-vnc-console', otherInventory()), cli.vncConsole).ok).toBe(false);
  });

  it("first-instance: every port of the seed's port table listens on the controller", () => {
    const step = onController(firstInstance, 'verify-controller-ports');
    expect(step.verify?.format).toBe('ports');
    expect(check(step, cli.netstat)).toMatchObject(ALL_PASSED);
    const withoutNeutron = cli.netstat
      .split('\n')
      .filter((line) => !line.includes(':9696'))
      .join('\n');
    expect(check(step, withoutNeutron).failures).toEqual([expect.stringContaining('neutron-server listens on 9696')]);
  });
});

/** A node whose `nova` and `neutron` print the given tables (the CLIs themselves are the lab's job). */
function nodeWithCli(tables: { neutron?: string; nova?: string }) {
  const printer = (name: 'neutron' | 'nova') => defineCommand(name, async () => ({ stdout: tables[name] ?? '', stderr: '', exitCode: 0 }));
  return new Bash({
    customCommands: [printer('neutron'), printer('nova')],
    files: { '/root/demo-openrc.sh': 'export OS_USERNAME=demo\n' },
  });
}

describe('shell probes of the first instance, run in a bash interpreter', () => {
  it("finds the provider network's ID in neutron net-list for nova boot", async () => {
    const boot = onController(firstInstance, 'boot-instance').run as string;
    const lookup = boot.slice(boot.indexOf('--nic net-id=') + '--nic net-id='.length, boot.indexOf(' --security-group'));
    expect(lookup).toMatch(/^"\$\(neutron net-list \| awk .*\)"$/);
    const result = await nodeWithCli({ neutron: seed.netList }).exec(`echo ${lookup}`);
    expect(result.stdout.trim()).toBe('18d16cc9-e32d-470e-b179-8946b6502d8c');
  });

  const rules = [
    '+-------------+-----------+---------+-----------+--------------+',
    '| IP Protocol | From Port | To Port | IP Range  | Source Group |',
    '+-------------+-----------+---------+-----------+--------------+',
    '| icmp        | -1        | -1      | 0.0.0.0/0 |              |',
    '| tcp         | 22        | 22      | 0.0.0.0/0 |              |',
    '+-------------+-----------+---------+-----------+--------------+',
  ].join('\n');

  it.each(['secgroup-rule-icmp', 'secgroup-rule-ssh'])('%s is skipped once the rule is listed, and run before', async (key) => {
    const guard = onController(firstInstance, key).guard as string;
    expect((await nodeWithCli({ nova: rules }).exec(guard)).exitCode).toBe(0);
    expect((await nodeWithCli({ nova: '' }).exec(guard)).exitCode).not.toBe(0);
  });

  it('the ssh rule probe does not mistake port 2222 for 22', async () => {
    const guard = onController(firstInstance, 'secgroup-rule-ssh').guard as string;
    const other = rules.replace(/\| 22 {8}\| 22 {6}\|/, '| 2222      | 2222    |');
    expect((await nodeWithCli({ nova: other }).exec(guard)).exitCode).not.toBe(0);
  });
});

describe('duplicate guards of the provider network, run in a bash interpreter', () => {
  it.each([
    ['net-list', seed.netList, 'flat'],
    ['subnet-list', seed.subnetList, 'flat-subnet'],
  ] as const)('neutron %s finds %s by name, and nothing by a prefix or another name', async (list, table, name) => {
    const node = nodeWithCli({ neutron: table });
    expect((await node.exec(neutronListHasName(list, name))).exitCode).toBe(0);
    expect((await node.exec(neutronListHasName(list, name.slice(0, 3)))).exitCode).not.toBe(0);
    expect((await node.exec(neutronListHasName(list, 'public'))).exitCode).not.toBe(0);
    expect((await nodeWithCli({ neutron: '' }).exec(neutronListHasName(list, name))).exitCode).not.toBe(0);
  });

  it('the planned guards use them as admin', () => {
    expect(onController(providerNetwork, 'net-create').guard).toBe(
      "source /root/admin-openrc.sh && neutron net-list | awk -v name=flat '$4 == name' | grep -q .",
    );
  });
});

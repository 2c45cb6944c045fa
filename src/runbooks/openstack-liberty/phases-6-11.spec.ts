import type { Inventory, Phase, PlannedStep, Secrets } from '../model.js';
import { planDeployment } from '../plan.js';
import { exampleInventory } from './example-inventory.js';
import { firstInstance } from './first-instance.js';
import { openstackLiberty } from './index.js';
import { neutronCompute } from './neutron-compute.js';
import { neutronController } from './neutron-controller.js';
import { freshSecrets, otherInventory } from './nova-neutron.fixture.js';
import { novaCompute } from './nova-compute.js';
import { novaController } from './nova-controller.js';
import { providerNetwork } from './provider-network.js';

const PHASES: Array<[string, Phase]> = [
  ['nova-controller', novaController],
  ['nova-compute', novaCompute],
  ['neutron-controller', neutronController],
  ['neutron-compute', neutronCompute],
  ['provider-network', providerNetwork],
  ['first-instance', firstInstance],
];
const KEYS = PHASES.map(([key]) => key);

function plannedSteps(inventory: Inventory, secrets: Secrets): PlannedStep[] {
  return planDeployment(openstackLiberty, inventory, secrets, KEYS).phases.flatMap((phase) => phase.steps);
}

/** Everything of a planned step that reaches a host or a page. */
function texts(step: PlannedStep): string[] {
  return [step.run ?? '', step.guard ?? '', step.file?.content ?? ''];
}

describe('phases 6-11 as data', () => {
  it.each(PHASES)('%s has its key and is part of the runbook', (key, phase) => {
    expect(phase.key).toBe(key);
    expect(openstackLiberty.phases).toContain(phase);
  });

  it.each(PHASES)('%s: every story says who wants what and why, with acceptance criteria', (_key, phase) => {
    for (const story of phase.stories) {
      expect(story.userStory).toMatch(/^As an? .+ I want .+ so that .+\.$/);
      expect(story.acceptanceCriteria.length).toBeGreaterThan(0);
      expect(story.steps.length).toBeGreaterThan(0);
    }
  });

  it("keeps the seed's order: nova controller, nova compute, neutron controller, neutron compute, network, instance", () => {
    const order = planDeployment(openstackLiberty, exampleInventory(), freshSecrets()).phases.map((phase) => phase.phase.key);
    expect(order.slice(-6)).toEqual(KEYS);
  });
});

describe.each([
  ['the seed inventory', exampleInventory()],
  ['another environment', otherInventory()],
])('phases 6-11 planned for %s', (_label, inventory) => {
  const secrets = freshSecrets();
  const steps = plannedSteps(inventory, secrets);
  const controller = inventory.nodes[0].name;
  const computes = inventory.nodes.filter((node) => node.roles.includes('compute')).map((node) => node.name);

  it('guards every step but the verifications, so a rerun changes nothing', () => {
    const unguarded = steps.filter((step) => step.kind !== 'verify' && !step.guard).map((step) => `${step.phaseKey}/${step.key}`);
    expect(unguarded).toEqual([]);
  });

  it("uses none of the seed's demo passwords", () => {
    const demo = '(nova|neutron|glance|keystone|openstack|admin|demo|123456|guest)';
    const patterns = [
      new RegExp(`^\\s*(password|rabbit_password|metadata_proxy_shared_secret)\\s*=\\s*${demo}\\s*$`, 'm'),
      new RegExp(`mysql://\\w+:${demo}@`),
      new RegExp(`--password[= ]${demo}(\\s|$)`),
    ];
    const leaks = steps.flatMap((step) =>
      texts(step)
        .filter((text) => patterns.some((pattern) => pattern.test(text)))
        .map(() => `${step.phaseKey}/${step.key}`),
    );
    expect(leaks).toEqual([]);
  });

  it("uses this environment's generated secrets instead", () => {
    const all = steps.flatMap(texts).join('\n');
    for (const name of ['NOVA_DBPASS', 'NOVA_PASS', 'NEUTRON_DBPASS', 'NEUTRON_PASS', 'METADATA_SECRET', 'RABBIT_PASS'] as const) {
      expect(all).toContain(secrets[name]);
    }
  });

  it('runs the Nova and Neutron compute work on every compute node and verifies it on the controller', () => {
    for (const key of ['nova-compute', 'neutron-compute']) {
      const phaseSteps = steps.filter((step) => step.phaseKey === key);
      for (const node of computes) expect(phaseSteps.some((step) => step.node === node && step.kind === 'service')).toBe(true);
      const verifiedOn = phaseSteps.filter((step) => step.kind === 'verify').map((step) => step.node);
      expect(verifiedOn.length).toBeGreaterThan(0);
      expect(new Set(verifiedOn)).toEqual(new Set([controller]));
    }
  });

  it('writes a file that several phases manage with the same bytes in each, so no phase undoes another', () => {
    const everyPhase = planDeployment(openstackLiberty, inventory, secrets).phases.flatMap((phase) => phase.steps);
    const mine = new Set(steps.filter((step) => step.file).map((step) => `${step.node}:${step.file?.path}`));
    const contents = new Map<string, Set<string>>();
    for (const step of everyPhase) {
      if (!step.file || !mine.has(`${step.node}:${step.file.path}`)) continue;
      const key = `${step.node}:${step.file.path}`;
      contents.set(key, (contents.get(key) ?? new Set()).add(step.file.sha256));
    }
    const conflicting = [...contents].filter(([, hashes]) => hashes.size > 1).map(([key]) => key);
    expect(conflicting).toEqual([]);
    // The shared ones really are written twice: nova.conf (Nova and Neutron phases), chrony.conf (base and Nova compute).
    const writers = (path: string, node: string) =>
      everyPhase.filter((step) => step.file?.path === path && step.node === node).map((step) => step.phaseKey);
    expect(writers('/etc/nova/nova.conf', controller)).toEqual(['nova-controller', 'neutron-controller']);
    expect(writers('/etc/chrony.conf', computes[0])).toEqual(['base', 'nova-compute']);
    expect(writers('/etc/neutron/neutron.conf', computes[0])).toEqual(['neutron-compute']);
  });

  it('sources the admin or demo credentials for every OpenStack CLI call', () => {
    const cli = /(^|&& )(openstack|nova|neutron) /;
    const bare = steps
      .flatMap((step) => [step.run ?? '', step.guard ?? ''])
      .filter((line) => cli.test(line) && !/^source \/root\/(admin|demo)-openrc\.sh && /.test(line));
    expect(bare).toEqual([]);
  });
});

describe("the seed's command lines, planned for the seed inventory", () => {
  const steps = plannedSteps(exampleInventory(), freshSecrets());
  const commands = steps.map((step) => step.run ?? '');
  const has = (line: string) => expect(commands.filter((command) => command.includes(line))).not.toEqual([]);

  it.each([
    `yum install -y openstack-nova-api openstack-nova-cert openstack-nova-conductor openstack-nova-console openstack-nova-novncproxy openstack-nova-scheduler python-novaclient`,
    `su -s /bin/sh -c 'nova-manage db sync' nova`,
    `openstack endpoint create --region RegionOne compute public 'http://192.168.56.11:8774/v2/%(tenant_id)s'`,
    `openstack endpoint create --region RegionOne network admin http://192.168.56.11:9696`,
    `systemctl start openstack-nova-api.service openstack-nova-cert.service openstack-nova-consoleauth.service openstack-nova-scheduler.service openstack-nova-conductor.service openstack-nova-novncproxy.service`,
    `yum install -y openstack-nova-compute`,
    `systemctl start libvirtd openstack-nova-compute`,
    `yum install -y openstack-neutron openstack-neutron-ml2 openstack-neutron-linuxbridge python-neutronclient ebtables ipset`,
    `ln -sfn /etc/neutron/plugins/ml2/ml2_conf.ini /etc/neutron/plugin.ini`,
    `su -s /bin/sh -c 'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head' neutron`,
    `systemctl start neutron-server.service neutron-linuxbridge-agent.service neutron-dhcp-agent.service neutron-metadata-agent.service`,
    `yum install -y openstack-neutron openstack-neutron-linuxbridge ebtables ipset`,
    `source /root/admin-openrc.sh && neutron net-create flat --shared --provider:physical_network physnet1 --provider:network_type flat`,
    `neutron subnet-create flat 192.168.56.0/24 --name flat-subnet --allocation-pool start=192.168.56.100,end=192.168.56.200 --dns-nameserver 192.168.56.2 --gateway 192.168.56.2`,
    `source /root/demo-openrc.sh && nova keypair-add --pub-key /root/.ssh/id_rsa.pub mykey`,
    `nova secgroup-add-rule default icmp -1 -1 0.0.0.0/0`,
    `nova secgroup-add-rule default tcp 22 22 0.0.0.0/0`,
    `nova get-vnc-console hello-instance novnc`,
    `ss -lntup`,
  ])('runs `%s`', (line) => has(line));

  it("boots hello-instance with the provider network's ID looked up on the node", () => {
    has(
      `nova boot --flavor m1.tiny --image cirros --nic net-id="$(neutron net-list | awk -v name=flat '$4 == name {print $2}')" --security-group default --key-name mykey hello-instance`,
    );
  });
});

import type { RenderContext } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command, DEMO_OPENRC_PATH, expectRow, phase, story, verifyTable } from '../steps/index.js';
import { netListExpectation } from './provider-network.js';

/** Seed: "创建一个虚拟机" and "端口统计": boot cirros as demo, open its console, check the ports. */

export const INSTANCE_NAME = 'hello-instance';
export const KEYPAIR_NAME = 'mykey';
const FLAVOR = 'm1.tiny';
const IMAGE = 'cirros';
const SSH_KEY = '/root/.ssh/id_rsa';

/** The seed's port table, plus Nova's API and Neutron's server which it starts too. */
export const CONTROLLER_PORTS: Array<{ port: number; service: string }> = [
  { port: 5672, service: 'rabbitmq' },
  { port: 15672, service: 'rabbitmq-web' },
  { port: 35357, service: 'keystone-admin' },
  { port: 5000, service: 'keystone-general' },
  { port: 9292, service: 'glance-api' },
  { port: 9191, service: 'glance-registry' },
  { port: 6080, service: 'nova-novncproxy' },
  { port: 8774, service: 'nova-api' },
  { port: 9696, service: 'neutron-server' },
];

/** Everything here is done as the demo user, as a tenant of the cloud would. */
const asDemo = (line: string) => `source ${DEMO_OPENRC_PATH} && ${line}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A rule row of `nova secgroup-list-rules default`: | IP Protocol | From Port | To Port | IP Range | … */
function ruleProbe(protocol: string, from: number, to: number): string {
  const pattern = `^\\| ${protocol} +\\| ${from} +\\| ${to} +\\| 0\\.0\\.0\\.0/0 `;
  return asDemo(`nova secgroup-list-rules default | egrep -q ${shellQuote(pattern)}`);
}

/** The seed boots with the network's ID ("必须用ID"), looked up by name on the node. */
function providerNetIdLookup(ctx: RenderContext): string {
  return `$(neutron net-list | awk -v name=${shellQuote(ctx.inventory.network.provider.name)} '$4 == name {print $2}')`;
}

export const firstInstance = phase('first-instance', {
  title: 'First instance',
  goal: 'The demo project boots a cirros instance on the provider network, reachable by SSH key and through the noVNC console, and every controller API listens on its port.',
  dependsOn: ['glance', 'nova-compute', 'provider-network'],
  on: 'controller',
  stories: [
    story('demo-access', {
      title: 'Give the demo project a key pair and open ICMP and SSH',
      userStory:
        'As a tenant of the cloud I want my SSH key registered and ping and SSH allowed in my default security group so that I can log in to the instances I boot.',
      acceptanceCriteria: [
        'root on the controller has an SSH key pair (/root/.ssh/id_rsa), created only if missing',
        'key pair mykey holds its public key in the demo project',
        "the demo project's default security group allows ICMP and TCP 22 from 0.0.0.0/0, each rule once",
      ],
      steps: [
        command('ssh-keygen', {
          title: "Create root's SSH key pair",
          // -f answers the file prompt that the seed's interactive `ssh-keygen -q -N ""` asks.
          run: `ssh-keygen -q -N "" -f ${SSH_KEY}`,
          guard: `test -f ${SSH_KEY}.pub`,
        }),
        command('keypair-add', {
          title: `Register the public key as key pair ${KEYPAIR_NAME}`,
          run: asDemo(`nova keypair-add --pub-key ${SSH_KEY}.pub ${KEYPAIR_NAME}`),
          guard: asDemo(`nova keypair-list | grep -q ${shellQuote(`| ${KEYPAIR_NAME} `)}`),
        }),
        command('secgroup-rule-icmp', {
          title: 'Allow ICMP in the default security group',
          run: asDemo('nova secgroup-add-rule default icmp -1 -1 0.0.0.0/0'),
          guard: ruleProbe('icmp', -1, -1),
        }),
        command('secgroup-rule-ssh', {
          title: 'Allow SSH (TCP 22) in the default security group',
          run: asDemo('nova secgroup-add-rule default tcp 22 22 0.0.0.0/0'),
          guard: ruleProbe('tcp', 22, 22),
        }),
        verifyTable('verify-keypair', {
          title: 'nova keypair-list shows mykey',
          run: asDemo('nova keypair-list'),
          format: 'table',
          expect: [expectRow({ Name: KEYPAIR_NAME }, `key pair ${KEYPAIR_NAME} exists`)],
        }),
        verifyTable('verify-secgroup-rules', {
          title: 'The default security group allows ICMP and SSH',
          run: asDemo('nova secgroup-list-rules default'),
          format: 'table',
          expect: [
            expectRow({ 'IP Protocol': 'icmp', 'From Port': '-1', 'To Port': '-1', 'IP Range': '0.0.0.0/0' }, 'ICMP is allowed'),
            expectRow({ 'IP Protocol': 'tcp', 'From Port': '22', 'To Port': '22', 'IP Range': '0.0.0.0/0' }, 'SSH is allowed'),
          ],
        }),
      ],
    }),
    story('boot-instance', {
      title: 'Boot hello-instance',
      userStory:
        'As a tenant of the cloud I want to boot a cirros instance on the provider network with my key and the default security group so that I know the whole stack (Keystone, Glance, Nova, Neutron, libvirt) works end to end.',
      acceptanceCriteria: [
        'the demo project sees flavor m1.tiny, image cirros (ACTIVE), the provider network and security group default',
        'hello-instance is booted once (m1.tiny, cirros, the provider network by ID, security group default, key mykey)',
        '`nova list` shows hello-instance ACTIVE with an address on the provider network',
      ],
      steps: [
        verifyTable('verify-flavor-list', {
          title: 'nova flavor-list shows m1.tiny',
          run: asDemo('nova flavor-list'),
          format: 'table',
          expect: [expectRow({ Name: FLAVOR }, `flavor ${FLAVOR} exists`)],
        }),
        verifyTable('verify-image-list', {
          title: 'nova image-list shows cirros ACTIVE',
          run: asDemo('nova image-list'),
          format: 'table',
          expect: [expectRow({ Name: IMAGE, Status: 'ACTIVE' }, `image ${IMAGE} is ACTIVE`)],
        }),
        verifyTable('verify-demo-net-list', {
          title: 'neutron net-list shows the shared provider network to demo',
          run: asDemo('neutron net-list'),
          format: 'table',
          expect: (ctx) => [netListExpectation(ctx)],
        }),
        verifyTable('verify-secgroup-list', {
          title: 'nova secgroup-list shows default',
          run: asDemo('nova secgroup-list'),
          format: 'table',
          expect: [expectRow({ Name: 'default' }, 'security group default exists')],
        }),
        command('boot-instance', {
          title: `Boot ${INSTANCE_NAME}`,
          run: (ctx) =>
            asDemo(
              `nova boot --flavor ${FLAVOR} --image ${IMAGE} --nic net-id=${providerNetIdLookup(ctx)} --security-group default --key-name ${KEYPAIR_NAME} ${INSTANCE_NAME}`,
            ),
          guard: asDemo(`nova list | grep -q ${shellQuote(`| ${INSTANCE_NAME} `)}`),
        }),
        verifyTable('verify-instance-active', {
          title: `nova list shows ${INSTANCE_NAME} ACTIVE`,
          run: asDemo('nova list'),
          format: 'table',
          expect: (ctx) => [
            expectRow(
              {
                Name: INSTANCE_NAME,
                Status: 'ACTIVE',
                'Power State': 'Running',
                Networks: new RegExp(`^${escapeRegExp(ctx.inventory.network.provider.name)}=\\d+\\.\\d+\\.\\d+\\.\\d+`),
              },
              `${INSTANCE_NAME} is ACTIVE with an address on ${ctx.inventory.network.provider.name}`,
            ),
          ],
          // Scheduling, image download and boot take a while on a fresh compute node.
          retry: { attempts: 36, intervalMs: 5000 },
        }),
      ],
    }),
    story('instance-console', {
      title: "Open the instance's noVNC console",
      userStory: 'As a tenant of the cloud I want a noVNC console URL for my instance so that I can watch it boot in a browser.',
      acceptanceCriteria: [
        '`nova get-vnc-console hello-instance novnc` returns a novnc URL on http://<controller>:6080/vnc_auto.html?token=…',
      ],
      steps: [
        verifyTable('verify-vnc-console', {
          title: 'nova get-vnc-console returns a noVNC URL on the controller',
          run: asDemo(`nova get-vnc-console ${INSTANCE_NAME} novnc`),
          format: 'table',
          expect: (ctx) => [
            expectRow(
              {
                Type: 'novnc',
                Url: new RegExp(`^http://${escapeRegExp(ctx.controller.managementIp)}:6080/vnc_auto\\.html\\?token=\\S+$`),
              },
              "the console URL points at the controller's noVNC proxy",
            ),
          ],
        }),
      ],
    }),
    story('controller-ports', {
      title: 'Every controller API listens on its port',
      userStory:
        "As an operator I want to see every service of the seed's port table listening on the controller so that I can hand the cloud over knowing each API is up.",
      acceptanceCriteria: CONTROLLER_PORTS.map(({ port, service }) => `${service} listens on TCP ${port} (netstat -lntup)`),
      // netstat comes from net-tools, which the seed (and the earlier phases' port checks) take as installed.
      steps: [
        verifyTable('verify-controller-ports', {
          title: 'netstat -lntup shows every API port listening',
          run: 'netstat -lntup',
          format: 'ports',
          expect: CONTROLLER_PORTS.map(({ port, service }) =>
            expectRow({ Port: String(port), State: 'LISTEN' }, `${service} listens on ${port}`),
          ),
        }),
      ],
    }),
  ],
});

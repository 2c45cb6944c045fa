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
function asDemo(line: string): string {
  return `source ${DEMO_OPENRC_PATH} && ${line.includes(';') ? `{ ${line}; }` : line}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A rule row of `nova secgroup-list-rules default`: | IP Protocol | From Port | To Port | IP Range | … */
function ruleProbe(protocol: string, from: number, to: number): string {
  const pattern = `^\\| ${protocol} +\\| ${from} +\\| ${to} +\\| 0\\.0\\.0\\.0/0 `;
  return asDemo(`nova secgroup-list-rules default | egrep -q ${shellQuote(pattern)}`);
}

/** The seed boots with the network's ID ("必须用ID"), looked up by name on the node. */
function providerNetIdLookup(ctx: RenderContext): string {
  return `"$(neutron net-list | awk -v name=${shellQuote(ctx.inventory.network.provider.name)} '$4 == name {print $2}')"`;
}

/** The instance's status as `nova show` prints it (empty when there is none, or more than one). */
const INSTANCE_STATUS = `"$(nova show ${INSTANCE_NAME} 2>/dev/null | awk '$2 == "status" {print $4}')"`;

/**
 * An instance that ended in ERROR (no host, a port that could not bind, a build that timed out)
 * is deleted before booting again; booting beside it would leave two instances of one name.
 */
function bootInstance(ctx: RenderContext): string {
  return asDemo(
    [
      `if [ ${INSTANCE_STATUS} = ERROR ]; then nova delete ${INSTANCE_NAME} || exit 1; for _ in $(seq 60); do nova show ${INSTANCE_NAME} >/dev/null 2>&1 || break; sleep 2; done; fi`,
      `nova boot --flavor ${FLAVOR} --image ${IMAGE} --nic net-id=${providerNetIdLookup(ctx)} --security-group default --key-name ${KEYPAIR_NAME} ${INSTANCE_NAME}`,
    ].join('; '),
  );
}

/**
 * Cirros asks the metadata service (169.254.169.254, through the DHCP agent's namespace, the
 * metadata agent and nova-api) for its instance id and key, and prints the outcome on its
 * console: "successful after …" or, when the proxy's shared secret or credentials are wrong,
 * "failed to read iid from metadata". A Field/Value row the fieldValue format reads.
 */
const METADATA_ON_CONSOLE = asDemo(
  [
    `log=$(nova console-log ${INSTANCE_NAME} 2>&1)`,
    `if printf '%s\\n' "$log" | grep -q 'successful after'; then state=reached; elif printf '%s\\n' "$log" | grep -q 'failed to read iid from metadata'; then state=unreachable; else state=pending; fi`,
    `printf '+----------+-------+\\n| Field    | Value |\\n+----------+-------+\\n| metadata | %s |\\n+----------+-------+\\n' "$state"`,
  ].join('; '),
);

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
        'hello-instance is booted once (m1.tiny, cirros, the provider network by ID, security group default, key mykey); one left in ERROR is deleted and booted again',
        '`nova list` shows hello-instance ACTIVE with an address on the provider network',
        'its console log shows that it reached the metadata service (instance id and key), which needs the same shared secret in nova.conf and metadata_agent.ini',
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
          run: bootInstance,
          // Booted once: building or running is done, ERROR is not.
          guard: asDemo(`case ${INSTANCE_STATUS} in ACTIVE|BUILD) ;; *) exit 1 ;; esac`),
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
        verifyTable('verify-instance-metadata', {
          title: `${INSTANCE_NAME} got its instance id and key from the metadata service`,
          run: METADATA_ON_CONSOLE,
          format: 'fieldValue',
          expect: [expectRow({ metadata: 'reached' }, 'cirros reached the metadata service (console log: "successful after")')],
          // Cirros tries 20 times over about a minute after it booted.
          retry: { attempts: 24, intervalMs: 5000 },
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
          // The console token opens the instance's screen to whoever holds it.
          sensitive: ['Url?token'],
        }),
      ],
    }),
    story('controller-ports', {
      title: 'Every controller API listens on its port',
      userStory:
        "As an operator I want to see every service of the seed's port table listening on the controller so that I can hand the cloud over knowing each API is up.",
      acceptanceCriteria: CONTROLLER_PORTS.map(({ port, service }) => `${service} listens on TCP ${port} (ss -lntup)`),
      // The seed uses netstat, from net-tools, which a minimal CentOS 7 lacks; ss (iproute) prints the same sockets.
      steps: [
        verifyTable('verify-controller-ports', {
          title: 'ss -lntup shows every API port listening',
          run: 'ss -lntup',
          format: 'ports',
          expect: CONTROLLER_PORTS.map(({ port, service }) =>
            expectRow({ Port: String(port), State: 'LISTEN' }, `${service} listens on ${port}`),
          ),
        }),
      ],
    }),
  ],
});

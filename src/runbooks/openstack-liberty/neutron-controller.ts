import type { RenderContext } from '../model.js';
import {
  alembicAtHeads,
  dbSync,
  ensureServices,
  expectRow,
  installPackages,
  phase,
  registerService,
  story,
  verifyTable,
  withAuth,
  writeIni,
} from '../steps/index.js';
import { DHCP_AGENT_INI, dhcpAgentConf, METADATA_AGENT_INI, metadataAgentConf, ML2_CONF, NEUTRON_CONF } from './neutron-config.js';
import { NEUTRON_FILE_OWNERSHIP, neutronCommonFileSteps, pluginIniLinkStep } from './neutron-conf-steps.js';
import { controllerNovaConfStep } from './nova-conf-steps.js';

/** Seed: "Neutron — 控制节点": neutron-server with ML2 + Linux bridge, DHCP and metadata agents. */

export const NEUTRON_CONTROLLER_SERVICES = [
  'neutron-server.service',
  'neutron-linuxbridge-agent.service',
  'neutron-dhcp-agent.service',
  'neutron-metadata-agent.service',
];

/** The agents `neutron agent-list` shows for the controller once the phase is done. */
export const CONTROLLER_AGENTS = [
  { agentType: 'Metadata agent', binary: 'neutron-metadata-agent' },
  { agentType: 'Linux bridge agent', binary: 'neutron-linuxbridge-agent' },
  { agentType: 'DHCP agent', binary: 'neutron-dhcp-agent' },
];

const asAdmin = (line: string) => (ctx: RenderContext) => withAuth('admin-openrc', ctx, line);

const NEUTRON_DB_MANAGE = `neutron-db-manage --config-file ${NEUTRON_CONF} --config-file ${ML2_CONF}`;

export const neutronController = phase('neutron-controller', {
  title: 'Neutron networking on the controller',
  goal: 'The controller runs neutron-server with the ML2 plugin and the Linux bridge, DHCP and metadata agents for a flat provider network, and Nova uses Neutron for networking and metadata.',
  dependsOn: ['mariadb', 'rabbitmq', 'keystone', 'nova-controller'],
  on: 'controller',
  stories: [
    story('install-neutron-controller', {
      title: 'Install the Neutron controller packages',
      userStory:
        'As an operator I want the Neutron server, ML2 plugin and Linux bridge agent installed on the controller so that the cloud can offer networks to instances.',
      acceptanceCriteria: [
        'openstack-neutron, openstack-neutron-ml2, openstack-neutron-linuxbridge, python-neutronclient, ebtables and ipset are installed',
      ],
      steps: [
        installPackages(
          'openstack-neutron',
          'openstack-neutron-ml2',
          'openstack-neutron-linuxbridge',
          'python-neutronclient',
          'ebtables',
          'ipset',
        ),
      ],
    }),
    story('register-neutron', {
      title: 'Register Neutron in the service catalog',
      userStory:
        'As an operator I want a neutron service user and the network service with its three endpoints so that Nova and clients find the networking API through Keystone.',
      acceptanceCriteria: [
        'user neutron exists in domain default and has role admin in project service',
        'service neutron of type network exists',
        'the public, internal and admin network endpoints in the region point at http://<controller>:9696',
      ],
      steps: [
        registerService({
          name: 'neutron',
          type: 'network',
          description: 'OpenStack Networking',
          port: 9696,
          serviceUser: 'neutron',
          passwordSecret: 'NEUTRON_PASS',
        }),
        verifyTable('verify-network-endpoints', {
          title: 'The network endpoints are in the catalog',
          run: asAdmin('openstack endpoint list'),
          format: 'table',
          expect: (ctx) =>
            (['public', 'internal', 'admin'] as const).map((iface) =>
              expectRow(
                {
                  'Service Name': 'neutron',
                  'Service Type': 'network',
                  Interface: iface,
                  Region: ctx.inventory.network.region,
                  URL: `http://${ctx.controller.managementIp}:9696`,
                },
                `the ${iface} network endpoint is registered`,
              ),
            ),
        }),
      ],
    }),
    story('configure-neutron-controller', {
      title: 'Configure Neutron and point Nova at it',
      userStory:
        "As an operator I want neutron.conf, the ML2 plugin, the Linux bridge, DHCP and metadata agents configured from this environment, and Nova's [neutron] section set, so that instances get ports on the flat provider network and reach the metadata service.",
      acceptanceCriteria: [
        'neutron.conf uses core_plugin ml2, service_plugins router, the neutron database on the controller, RabbitMQ, Keystone (user neutron) and notifies Nova (user nova)',
        'ml2_conf.ini enables flat,vlan,gre,vxlan,geneve type drivers, the linuxbridge mechanism, port_security and flat_networks = the provider physical network',
        "linuxbridge_agent.ini maps the provider physical network to the controller's provider interface with VXLAN off and the iptables firewall driver",
        "dhcp_agent.ini uses the BridgeInterfaceDriver with Dnsmasq and isolated metadata; metadata_agent.ini points at the controller with the environment's metadata secret",
        'nova.conf [neutron] points at http://<controller>:9696 with service_metadata_proxy = true and the same metadata secret, and nova-api is restarted when it changes',
        '/etc/neutron/plugin.ini links to ml2_conf.ini and both branches of the neutron schema are at their head (`neutron-db-manage current`)',
      ],
      steps: [
        ...neutronCommonFileSteps(NEUTRON_CONTROLLER_SERVICES),
        writeIni(DHCP_AGENT_INI, dhcpAgentConf, {
          ...NEUTRON_FILE_OWNERSHIP,
          key: 'dhcp-agent-ini',
          notify: ['neutron-dhcp-agent.service'],
        }),
        writeIni(METADATA_AGENT_INI, metadataAgentConf, {
          ...NEUTRON_FILE_OWNERSHIP,
          key: 'metadata-agent-ini',
          notify: ['neutron-metadata-agent.service'],
        }),
        // nova.conf is rendered whole with its [neutron] section since the Nova phase, so this
        // step is "ok" on a normal run; it restarts nova-api (as the seed does) when it differs.
        controllerNovaConfStep('nova-conf-neutron', ['openstack-nova-api.service']),
        pluginIniLinkStep(),
        // Liberty's schema has two alembic branches (expand and contract); both must be at their head.
        dbSync('neutron', `${NEUTRON_DB_MANAGE} upgrade head`, alembicAtHeads('neutron', `${NEUTRON_DB_MANAGE} current`, 2)),
      ],
    }),
    story('start-neutron-controller', {
      title: 'Start the Neutron controller services',
      userStory:
        'As an operator I want neutron-server and the three agents enabled and running, and to see them alive in `neutron agent-list`, so that I know the network service works before I add compute nodes.',
      acceptanceCriteria: [
        ...NEUTRON_CONTROLLER_SERVICES.map((service) => `${service} is enabled and active`),
        '`neutron agent-list` shows the Metadata, Linux bridge and DHCP agents of the controller alive (:-)) and admin_state_up True',
      ],
      steps: [
        ensureServices(...NEUTRON_CONTROLLER_SERVICES),
        verifyTable('verify-controller-agents', {
          title: "neutron agent-list shows the controller's agents alive",
          run: asAdmin('neutron agent-list'),
          format: 'table',
          expect: (ctx) =>
            CONTROLLER_AGENTS.map(({ agentType, binary }) =>
              expectRow(
                { agent_type: agentType, host: ctx.controller.name, alive: ':-)', admin_state_up: 'True', binary },
                `the ${agentType} on ${ctx.controller.name} is alive`,
              ),
            ),
          // Agents report their state every few seconds after they start.
          retry: { attempts: 12, intervalMs: 5000 },
        }),
      ],
    }),
  ],
});

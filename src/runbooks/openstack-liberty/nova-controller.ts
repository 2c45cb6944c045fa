import type { RenderContext } from '../model.js';
import {
  dbSync,
  ensureServices,
  expectRow,
  installPackages,
  phase,
  registerService,
  schemaVersionAtLeast,
  story,
  verifyTable,
  withAuth,
} from '../steps/index.js';
import { controllerNovaConfStep } from './nova-conf-steps.js';

/** Seed: "Nova控制节点" — API, cert, conductor, consoleauth, scheduler and the noVNC proxy. */

export const NOVA_CONTROLLER_SERVICES = [
  'openstack-nova-api.service',
  'openstack-nova-cert.service',
  'openstack-nova-consoleauth.service',
  'openstack-nova-scheduler.service',
  'openstack-nova-conductor.service',
  'openstack-nova-novncproxy.service',
];

/** `openstack host list` rows the controller's services produce (seed: 验证). */
const CONTROLLER_HOST_SERVICES = ['cert', 'conductor', 'consoleauth', 'scheduler'];

const COMPUTE_ENDPOINT_PATH = '/v2/%(tenant_id)s';

const asAdmin = (line: string) => (ctx: RenderContext) => withAuth('admin-openrc', ctx, line);

export const novaController = phase('nova-controller', {
  title: 'Nova compute service on the controller',
  goal: 'The controller runs the Nova API, scheduler, conductor, cert, consoleauth and noVNC proxy, registered in Keystone as the compute service.',
  dependsOn: ['mariadb', 'rabbitmq', 'keystone', 'glance'],
  on: 'controller',
  stories: [
    story('install-nova-controller', {
      title: 'Install and configure the Nova controller services',
      userStory:
        'As an operator I want the Nova controller packages installed and nova.conf rendered from this environment so that the compute API talks to MariaDB, RabbitMQ, Keystone, Glance and Neutron with our own credentials.',
      acceptanceCriteria: [
        'openstack-nova-api, -cert, -conductor, -console, -novncproxy, -scheduler and python-novaclient are installed',
        '/etc/nova/nova.conf sets the nova database connection, rabbit backend, keystone_authtoken for the nova user, my_ip, the Neutron network API and firewall driver, VNC, glance host, lock_path and enabled_apis',
        'nova.conf is owned by root:nova with mode 0640 and contains no password from the seed',
        'the nova database schema is at the Liberty version (`nova-manage db version`), synced with `nova-manage db sync` run as the nova user',
      ],
      steps: [
        installPackages(
          'openstack-nova-api',
          'openstack-nova-cert',
          'openstack-nova-conductor',
          'openstack-nova-console',
          'openstack-nova-novncproxy',
          'openstack-nova-scheduler',
          'python-novaclient',
        ),
        // A changed nova.conf restarts every controller service that reads it.
        controllerNovaConfStep('nova-conf', NOVA_CONTROLLER_SERVICES),
        // 302 is Liberty's last nova migration (302_pgsql_add_instance_system_metadata_index).
        dbSync('nova', 'nova-manage db sync', schemaVersionAtLeast('nova', 'nova-manage db version', 302)),
      ],
    }),
    story('register-nova', {
      title: 'Register Nova in the service catalog',
      userStory:
        'As an operator I want a nova service user and the compute service with its public, internal and admin endpoints so that clients and other services find the compute API through Keystone.',
      acceptanceCriteria: [
        'user nova exists in domain default and has role admin in project service',
        'service nova of type compute exists',
        'the public, internal and admin compute endpoints in the region point at http://<controller>:8774/v2/%(tenant_id)s',
      ],
      steps: [
        registerService({
          name: 'nova',
          type: 'compute',
          description: 'OpenStack Compute',
          port: 8774,
          path: COMPUTE_ENDPOINT_PATH,
          serviceUser: 'nova',
          passwordSecret: 'NOVA_PASS',
        }),
        verifyTable('verify-compute-endpoints', {
          title: 'The compute endpoints are in the catalog',
          run: asAdmin('openstack endpoint list'),
          format: 'table',
          expect: (ctx) =>
            (['public', 'internal', 'admin'] as const).map((iface) =>
              expectRow(
                {
                  'Service Name': 'nova',
                  'Service Type': 'compute',
                  Interface: iface,
                  Region: ctx.inventory.network.region,
                  URL: `http://${ctx.controller.managementIp}:8774${COMPUTE_ENDPOINT_PATH}`,
                },
                `the ${iface} compute endpoint is registered`,
              ),
            ),
        }),
      ],
    }),
    story('start-nova-controller', {
      title: 'Start the Nova controller services',
      userStory:
        'As an operator I want the six Nova controller services enabled and running so that they survive a reboot and report to the scheduler.',
      acceptanceCriteria: [
        ...NOVA_CONTROLLER_SERVICES.map((service) => `${service} is enabled and active`),
        '`openstack host list` shows cert, conductor, consoleauth and scheduler on the controller (zone internal)',
        '`nova service-list` shows them enabled and up',
      ],
      steps: [
        ensureServices(...NOVA_CONTROLLER_SERVICES),
        verifyTable('verify-controller-hosts', {
          title: 'openstack host list shows the controller services',
          run: asAdmin('openstack host list'),
          format: 'table',
          expect: (ctx) =>
            CONTROLLER_HOST_SERVICES.map((service) =>
              expectRow(
                { 'Host Name': ctx.controller.name, Service: service, Zone: 'internal' },
                `nova-${service} on ${ctx.controller.name} reports in`,
              ),
            ),
          // The services register a few seconds after they start.
          retry: { attempts: 12, intervalMs: 5000 },
        }),
        verifyTable('verify-controller-services-up', {
          title: 'nova service-list shows the controller services enabled and up',
          run: asAdmin('nova service-list'),
          format: 'table',
          expect: (ctx) =>
            CONTROLLER_HOST_SERVICES.map((service) =>
              expectRow(
                { Binary: `nova-${service}`, Host: ctx.controller.name, Status: 'enabled', State: 'up' },
                `nova-${service} on ${ctx.controller.name} is enabled and up`,
              ),
            ),
          retry: { attempts: 12, intervalMs: 5000 },
        }),
      ],
    }),
  ],
});

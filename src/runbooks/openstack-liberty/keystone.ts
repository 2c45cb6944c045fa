import type { Expectation, RenderContext } from '../model.js';
import { shellQuote } from '../render/shell.js';
import {
  ADMIN_OPENRC_PATH,
  DEMO_OPENRC_PATH,
  command,
  dbSync,
  ensureProject,
  ensureRole,
  ensureServices,
  ensureUser,
  expectRow,
  schemaVersionAtLeast,
  grantRole,
  installPackages,
  phase,
  registerService,
  story,
  verifyTable,
  withAuth,
  writeFile,
  writeIni,
} from '../steps/index.js';
import { keystoneConf, passwordTokenIssue, renderOpenrc, wsgiKeystoneConf } from './keystone-config.js';

/**
 * Seed, "Keystone": the identity service behind Apache/mod_wsgi (the old standalone
 * Python server performed poorly), tokens in memcached, bootstrapped with the admin
 * token (OS_TOKEN/OS_URL) to create projects, users, roles and its own catalog entry,
 * then tested with password authentication and the openrc files.
 */

const TOKEN_ID = /^[0-9a-f]{32}$/;

const install = story('keystone-install', {
  title: 'Install and configure Keystone',
  userStory:
    'As an operator I want Keystone configured against its MariaDB database and memcached so that identity data is persistent and tokens do not pile up in SQL.',
  acceptanceCriteria: [
    'openstack-keystone, httpd, mod_wsgi, memcached and python-memcached are installed',
    'keystone.conf sets admin_token (generated, like `openssl rand -hex 10`), the database connection mysql://keystone:<generated>@<controller>/keystone, memcache servers <controller>:11211, token provider uuid with driver memcache, revoke driver sql',
    'the keystone database is populated by `keystone-manage db_sync` run as the keystone user',
  ],
  steps: [
    installPackages('openstack-keystone', 'httpd', 'mod_wsgi', 'memcached', 'python-memcached'),
    writeIni('/etc/keystone/keystone.conf', keystoneConf, { mode: '0640', group: 'keystone', notify: ['httpd'] }),
    // 75 is Liberty's last keystone migration (075_confirm_config_registration).
    dbSync('keystone', 'keystone-manage db_sync', schemaVersionAtLeast('keystone', 'keystone-manage db_version', 75)),
  ],
});

const serve = story('keystone-httpd', {
  title: 'Serve Keystone through Apache on 5000 and 35357',
  userStory:
    'As an operator I want Keystone served by Apache mod_wsgi with memcached running so that the public (5000) and admin (35357) identity APIs answer.',
  acceptanceCriteria: [
    'memcached is enabled and running',
    '/etc/httpd/conf.d/wsgi-keystone.conf defines the keystone-public (5000) and keystone-admin (35357) virtual hosts',
    'httpd.conf has ServerName <controller IP>:80',
    'httpd is enabled and running; it is restarted when its configuration changes',
    '`ss -lntup` shows httpd on 5000 and 35357',
  ],
  steps: [
    ensureServices('memcached'),
    command('httpd-servername', {
      title: 'Set ServerName in httpd.conf',
      run: (ctx) => {
        const line = shellQuote(`ServerName ${ctx.controller.managementIp}:80`);
        return `sed -i '/^ServerName /d' /etc/httpd/conf/httpd.conf && echo ${line} >> /etc/httpd/conf/httpd.conf && (systemctl is-active --quiet httpd && systemctl restart httpd || true)`;
      },
      guard: (ctx) => `grep -qx ${shellQuote(`ServerName ${ctx.controller.managementIp}:80`)} /etc/httpd/conf/httpd.conf`,
    }),
    writeFile('/etc/httpd/conf.d/wsgi-keystone.conf', wsgiKeystoneConf, { language: 'apache', notify: ['httpd'] }),
    ensureServices('httpd'),
    // The seed's port table: keystone-general 5000, keystone-admin 35357.
    verifyTable('verify-keystone-ports', {
      title: 'httpd listens on 5000 and 35357',
      run: 'ss -lntup',
      format: 'ports',
      expect: [
        expectRow({ Port: '5000', Program: 'httpd' }, 'the public identity API listens on 5000'),
        expectRow({ Port: '35357', Program: 'httpd' }, 'the admin identity API listens on 35357'),
      ],
      retry: { attempts: 5, intervalMs: 2000 },
    }),
  ],
});

const tokenAuth = (line: string) => (ctx: RenderContext) => withAuth('admin-token', ctx, line);
const nameRows = (names: string[], what: string): Expectation[] => names.map((name) => expectRow({ Name: name }, `${what} ${name} exists`));

const bootstrap = story('keystone-bootstrap', {
  title: 'Projects, users and roles',
  userStory:
    'As an operator I want the admin and demo accounts and the service project created with generated passwords so that administrators, ordinary users and OpenStack services can authenticate.',
  acceptanceCriteria: [
    'projects admin, demo and service exist in domain default',
    "users admin and demo exist and log in with the generated ADMIN_PASS / DEMO_PASS (never the seed's admin/demo); a changed secret is applied",
    'roles admin and user exist; admin has admin in project admin, demo has user in project demo',
    '`openstack user list`, `role list` and `project list` show them',
  ],
  steps: [
    ensureProject('admin', 'Admin Project', 'admin-token'),
    ensureUser('admin', 'ADMIN_PASS', 'admin', 'admin-token'),
    ensureRole('admin', 'admin-token'),
    grantRole('admin', 'admin', 'admin', 'admin-token'),
    ensureProject('demo', 'Demo Project', 'admin-token'),
    ensureUser('demo', 'DEMO_PASS', 'demo', 'admin-token'),
    ensureRole('user', 'admin-token'),
    grantRole('user', 'demo', 'demo', 'admin-token'),
    // The service project holds the accounts of glance, nova, neutron...
    ensureProject('service', 'Service Project', 'admin-token'),
    verifyTable('verify-users', {
      title: 'openstack user list',
      run: tokenAuth('openstack user list'),
      format: 'table',
      expect: nameRows(['admin', 'demo'], 'user'),
    }),
    verifyTable('verify-roles', {
      title: 'openstack role list',
      run: tokenAuth('openstack role list'),
      format: 'table',
      expect: nameRows(['admin', 'user'], 'role'),
    }),
    verifyTable('verify-projects', {
      title: 'openstack project list',
      run: tokenAuth('openstack project list'),
      format: 'table',
      expect: nameRows(['admin', 'demo', 'service'], 'project'),
    }),
  ],
});

const identityService = {
  name: 'keystone',
  type: 'identity',
  description: 'OpenStack Identity',
  port: 5000,
  adminPort: 35357,
  path: '/v2.0',
  auth: 'admin-token',
} as const;

const catalog = story('keystone-catalog', {
  title: 'Register the identity service',
  userStory:
    'As an operator I want Keystone listed in the service catalog with public, internal and admin endpoints so that clients and services discover the identity API.',
  acceptanceCriteria: [
    'service keystone of type identity exists ("OpenStack Identity")',
    'endpoints in the region: public and internal http://<controller>:5000/v2.0, admin http://<controller>:35357/v2.0',
  ],
  steps: [
    ...registerService(identityService),
    verifyTable('verify-identity-endpoints', {
      title: 'openstack endpoint list shows the identity endpoints',
      run: tokenAuth('openstack endpoint list'),
      format: 'table',
      expect: (ctx) =>
        (['public', 'internal', 'admin'] as const).map((iface) =>
          expectRow(
            {
              'Service Type': 'identity',
              Interface: iface,
              URL: `http://${ctx.controller.managementIp}:${iface === 'admin' ? 35357 : 5000}/v2.0`,
            },
            `identity ${iface} endpoint`,
          ),
        ),
    }),
  ],
});

const tokenFields = [
  expectRow({ id: TOKEN_ID, project_id: TOKEN_ID, user_id: TOKEN_ID, expires: /^\d{4}-\d{2}-\d{2}T/ }, 'a token is issued'),
];

const credentials = story('keystone-openrc', {
  title: 'Password authentication and openrc files',
  userStory:
    'As an operator I want to get a token with a user name and password and to have admin-openrc.sh and demo-openrc.sh on the controller so that later phases and I run the CLI without the admin token.',
  acceptanceCriteria: [
    '`openstack … --os-auth-type password token issue` returns a token for admin',
    "/root/admin-openrc.sh and /root/demo-openrc.sh export the seed's variables with the environment's controller and generated passwords, readable only by root",
    'after sourcing either file `openstack token issue` returns a token',
  ],
  steps: [
    verifyTable('verify-password-token', {
      title: 'Token with password authentication',
      run: passwordTokenIssue,
      format: 'fieldValue',
      expect: tokenFields,
      // The token id is a bearer credential for as long as it lives.
      sensitive: ['id'],
    }),
    writeFile(ADMIN_OPENRC_PATH, (ctx) => renderOpenrc(ctx, 'admin'), { language: 'bash', mode: '0700' }),
    writeFile(DEMO_OPENRC_PATH, (ctx) => renderOpenrc(ctx, 'demo'), { language: 'bash', mode: '0700' }),
    verifyTable('verify-admin-openrc', {
      title: 'Token as admin from admin-openrc.sh',
      run: `source ${ADMIN_OPENRC_PATH} && openstack token issue`,
      format: 'fieldValue',
      expect: tokenFields,
      // The token id is a bearer credential for as long as it lives.
      sensitive: ['id'],
    }),
    verifyTable('verify-demo-openrc', {
      title: 'Token as demo from demo-openrc.sh',
      run: `source ${DEMO_OPENRC_PATH} && openstack token issue`,
      format: 'fieldValue',
      expect: tokenFields,
      // The token id is a bearer credential for as long as it lives.
      sensitive: ['id'],
    }),
  ],
});

export const keystone = phase('keystone', {
  title: 'Keystone identity service',
  goal: 'Keystone answers on 5000/35357 with the admin/demo accounts, the service project and its own catalog entry.',
  dependsOn: ['mariadb'],
  on: 'controller',
  stories: [install, serve, bootstrap, catalog, credentials],
});

/**
 * Test wiring: two real lab nodes (LabHost + provisioned CentOS fs + just-bash NodeShell with
 * lab-infra's host commands and our OpenStack commands) sharing one Cloud, driven by command lines.
 */
import { InMemoryFs } from 'just-bash';
import { provisionCentos } from '../centos-layout.js';
import { centosHostCommands } from '../commands/index.js';
import { CommandRegistry, LabHost } from '../lab-host.js';
import { NodeShell, type ChannelContext, type ShellResult } from '../node-shell.js';
import { useVaultRepositories } from '../vault-repositories.js';
import { type Cloud, createCloud, type CloudOptions, registerOpenStackCommands } from './index.js';

export interface TestNode {
  host: LabHost;
  sh(script: string, env?: Record<string, string>): Promise<ShellResult>;
}

export interface CloudLab {
  cloud: Cloud;
  controller: TestNode;
  compute: TestNode;
}

const channel = (): ChannelContext => ({
  node: 'test',
  closed: new Promise(() => undefined),
  signal: new AbortController().signal,
  dropConnection: () => undefined,
});

async function node(cloud: Cloud, registry: CommandRegistry, name: string, role: 'controller' | 'compute', ip: string): Promise<TestNode> {
  const host = new LabHost(name, [role], ip, new InMemoryFs());
  await provisionCentos(host);
  await useVaultRepositories(host);
  host.hostname = name;
  cloud.addHost(host);
  const shell = new NodeShell(host, registry, cloud);
  return { host, sh: (script, env) => shell.run(script, channel(), { env }) };
}

export async function startCloudLab(options: CloudOptions = {}): Promise<CloudLab> {
  const cloud = createCloud(options);
  const registry = new CommandRegistry();
  centosHostCommands(registry);
  registerOpenStackCommands(registry, cloud);
  return {
    cloud,
    controller: await node(cloud, registry, 'linux-node1.example.com', 'controller', '192.168.56.11'),
    compute: await node(cloud, registry, 'linux-node2.example.com', 'compute', '192.168.56.12'),
  };
}

export const ADMIN_TOKEN = '863d35676a5632e846d9';
export const TOKEN_ENV = 'export OS_TOKEN=863d35676a5632e846d9 OS_URL=http://192.168.56.11:35357/v3 OS_IDENTITY_API_VERSION=3';

export const ADMIN_OPENRC = `export OS_PROJECT_DOMAIN_ID=default
export OS_USER_DOMAIN_ID=default
export OS_PROJECT_NAME=admin
export OS_TENANT_NAME=admin
export OS_USERNAME=admin
export OS_PASSWORD=admin
export OS_AUTH_URL=http://192.168.56.11:35357/v3
export OS_IDENTITY_API_VERSION=3
export OS_IMAGE_API_VERSION=2
`;

export const DEMO_OPENRC = ADMIN_OPENRC.replace(/=admin$/gm, '=demo').replace(':35357', ':5000');

const WSGI_KEYSTONE = `Listen 5000
Listen 35357

<VirtualHost *:5000>
    WSGIDaemonProcess keystone-public processes=5 threads=1 user=keystone group=keystone display-name=%{GROUP}
    WSGIScriptAlias / /usr/bin/keystone-wsgi-public
</VirtualHost>

<VirtualHost *:35357>
    WSGIDaemonProcess keystone-admin processes=5 threads=1 user=keystone group=keystone display-name=%{GROUP}
    WSGIScriptAlias / /usr/bin/keystone-wsgi-admin
</VirtualHost>
`;

/** The seed's base, MariaDB and Keystone install on the controller, up to httpd serving Keystone. */
export const KEYSTONE_INSTALL = [
  'yum install -y mariadb mariadb-server MySQL-python python-openstackclient openstack-keystone httpd mod_wsgi memcached python-memcached',
  'systemctl start mariadb.service',
  `mysql -uroot -e "CREATE DATABASE keystone; GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'localhost' IDENTIFIED BY 'keystone'; GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'%' IDENTIFIED BY 'keystone';"`,
  `cat > /etc/keystone/keystone.conf <<'EOF'
[DEFAULT]
admin_token = ${ADMIN_TOKEN}
[database]
connection = mysql://keystone:keystone@192.168.56.11/keystone
[memcache]
servers = 192.168.56.11:11211
[token]
provider = uuid
driver = memcache
[revoke]
driver = sql
EOF`,
  'su -s /bin/sh -c "keystone-manage db_sync" keystone',
  `cat > /etc/httpd/conf.d/wsgi-keystone.conf <<'EOF'\n${WSGI_KEYSTONE}EOF`,
  'systemctl enable memcached.service httpd.service && systemctl start memcached.service httpd.service',
];

/** The seed's Keystone bootstrap with the admin token: projects, users, roles, the identity service and endpoints. */
export const KEYSTONE_BOOTSTRAP = [
  'openstack project create --domain default --description "Admin Project" admin',
  'openstack user create --domain default --password=admin admin',
  'openstack role create admin',
  'openstack role add --project admin --user admin admin',
  'openstack project create --domain default --description "Demo Project" demo',
  'openstack user create --domain default --password=demo demo',
  'openstack role create user',
  'openstack role add --project demo --user demo user',
  'openstack project create --domain default --description "Service Project" service',
  'openstack service create --name keystone --description "OpenStack Identity" identity',
  'openstack endpoint create --region RegionOne identity public http://192.168.56.11:5000/v2.0',
  'openstack endpoint create --region RegionOne identity internal http://192.168.56.11:5000/v2.0',
  'openstack endpoint create --region RegionOne identity admin http://192.168.56.11:35357/v2.0',
];

/** Run each line, failing the test with the line and its output when one exits non-zero. */
export async function runAll(node: TestNode, lines: string[], prefix = ''): Promise<void> {
  for (const line of lines) {
    const result = await node.sh(prefix ? `${prefix} && ${line}` : line);
    if (result.exitCode !== 0) {
      throw new Error(`"${line}" exited ${result.exitCode}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    }
  }
}

export async function keystoneReady(lab: CloudLab): Promise<void> {
  await runAll(lab.controller, KEYSTONE_INSTALL);
  await runAll(lab.controller, KEYSTONE_BOOTSTRAP, TOKEN_ENV);
  await lab.controller.host.fs.writeFile('/root/admin-openrc.sh', ADMIN_OPENRC);
  await lab.controller.host.fs.writeFile('/root/demo-openrc.sh', DEMO_OPENRC);
}

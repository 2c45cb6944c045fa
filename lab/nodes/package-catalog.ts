/** The CentOS 7 + RDO Liberty packages the lab knows: what each ships (files, users, systemd units). */
export interface PackageSpec {
  version: string;
  files?: Record<string, string>;
  dirs?: string[];
  /** System users created by the package's %pre scriptlet. */
  users?: string[];
  units?: string[];
  /** Packages pulled in as dependencies. */
  requires?: string[];
}

const ini = (...sections: string[]): string => sections.map((s) => `[${s}]\n\n`).join('');

const RDO = '12.0.0-1.el7';

export const PACKAGES: Record<string, PackageSpec> = {
  'epel-release': {
    version: `7-5.noarch`,
    files: { '/etc/yum.repos.d/epel.repo': '[epel]\nname=Extra Packages for Enterprise Linux 7 - $basearch\nenabled=1\n' },
  },
  'centos-release-openstack-liberty': {
    version: '1-4.el7.noarch',
    files: {
      '/etc/yum.repos.d/CentOS-OpenStack-liberty.repo':
        '[centos-openstack-liberty]\nname=CentOS-7 - OpenStack liberty\nbaseurl=http://mirror.centos.org/centos/7/cloud/$basearch/openstack-liberty/\nenabled=1\n',
    },
  },
  chrony: { version: `2.1.1-1.el7.centos.x86_64`, units: ['chronyd'], users: ['chrony'], files: { '/etc/chrony.conf': chronyConf() } },
  'python-openstackclient': { version: '1.7.2-1.el7.noarch' },
  mariadb: { version: `5.5.44-2.el7.centos.x86_64`, files: { '/etc/my.cnf.d/client.cnf': '[client]\n\n' } },
  'mariadb-server': {
    version: `5.5.44-2.el7.centos.x86_64`,
    units: ['mariadb'],
    users: ['mysql'],
    requires: ['mariadb'],
    files: {
      '/etc/my.cnf': '[mysqld]\ndatadir=/var/lib/mysql\nsocket=/var/lib/mysql/mysql.sock\n\n!includedir /etc/my.cnf.d\n',
      '/etc/my.cnf.d/server.cnf': ini('server', 'mysqld', 'embedded', 'mariadb'),
    },
    dirs: ['/var/lib/mysql'],
  },
  'MySQL-python': { version: '1.2.3-11.el7.x86_64' },
  'rabbitmq-server': {
    version: '3.3.5-6.el7.noarch',
    units: ['rabbitmq-server'],
    users: ['rabbitmq'],
    dirs: ['/etc/rabbitmq', '/var/lib/rabbitmq'],
  },
  'openstack-keystone': {
    version: `8.0.0-1.el7.noarch`,
    users: ['keystone'],
    units: ['openstack-keystone'],
    files: {
      '/etc/keystone/keystone.conf': ini(
        'DEFAULT',
        'assignment',
        'auth',
        'cache',
        'catalog',
        'database',
        'identity',
        'memcache',
        'oslo_messaging_rabbit',
        'revoke',
        'token',
      ),
      '/etc/keystone/keystone-paste.ini': '[pipeline:public_api]\n',
    },
    dirs: ['/var/log/keystone', '/var/lib/keystone'],
  },
  httpd: {
    version: `2.4.6-40.el7.centos.x86_64`,
    units: ['httpd'],
    users: ['apache'],
    files: {
      '/etc/httpd/conf/httpd.conf':
        'ServerRoot "/etc/httpd"\n#ServerName www.example.com:80\nListen 80\nInclude conf.modules.d/*.conf\nIncludeOptional conf.d/*.conf\n',
    },
    dirs: ['/etc/httpd/conf.d', '/etc/httpd/conf.modules.d', '/var/www/html'],
  },
  mod_wsgi: {
    version: '3.4-12.el7_0.x86_64',
    requires: ['httpd'],
    files: { '/etc/httpd/conf.modules.d/10-wsgi.conf': 'LoadModule wsgi_module modules/mod_wsgi.so\n' },
  },
  memcached: {
    version: `1.4.25-1.el7.x86_64`,
    units: ['memcached'],
    users: ['memcached'],
    files: { '/etc/sysconfig/memcached': 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=""\n' },
  },
  'python-memcached': { version: '1.54-3.el7.noarch' },
  'openstack-glance': {
    version: `11.0.0-1.el7.noarch`,
    users: ['glance'],
    units: ['openstack-glance-api', 'openstack-glance-registry'],
    requires: ['python-glance'],
    files: {
      '/etc/glance/glance-api.conf': ini('DEFAULT', 'database', 'glance_store', 'keystone_authtoken', 'paste_deploy'),
      '/etc/glance/glance-registry.conf': ini('DEFAULT', 'database', 'keystone_authtoken', 'paste_deploy'),
    },
    dirs: ['/var/lib/glance/images', '/var/log/glance'],
  },
  'python-glance': { version: `11.0.0-1.el7.noarch` },
  'python-glanceclient': { version: '1.1.0-1.el7.noarch' },
  'openstack-nova-common': {
    version: `${RDO}.noarch`,
    users: ['nova'],
    files: {
      '/etc/nova/nova.conf': ini(
        'DEFAULT',
        'api_database',
        'database',
        'glance',
        'keystone_authtoken',
        'libvirt',
        'neutron',
        'oslo_concurrency',
        'oslo_messaging_rabbit',
        'vnc',
      ),
    },
    dirs: ['/var/lib/nova', '/var/log/nova'],
  },
  'openstack-nova-api': { version: `${RDO}.noarch`, units: ['openstack-nova-api'], requires: ['openstack-nova-common'] },
  'openstack-nova-cert': { version: `${RDO}.noarch`, units: ['openstack-nova-cert'], requires: ['openstack-nova-common'] },
  'openstack-nova-conductor': { version: `${RDO}.noarch`, units: ['openstack-nova-conductor'], requires: ['openstack-nova-common'] },
  'openstack-nova-console': {
    version: `${RDO}.noarch`,
    units: ['openstack-nova-consoleauth', 'openstack-nova-xvpvncproxy'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-novncproxy': { version: `${RDO}.noarch`, units: ['openstack-nova-novncproxy'], requires: ['openstack-nova-common'] },
  'openstack-nova-scheduler': { version: `${RDO}.noarch`, units: ['openstack-nova-scheduler'], requires: ['openstack-nova-common'] },
  'openstack-nova-compute': { version: `${RDO}.noarch`, units: ['openstack-nova-compute'], requires: ['openstack-nova-common', 'libvirt'] },
  libvirt: { version: '1.2.17-13.el7.x86_64', units: ['libvirtd'], users: ['qemu'] },
  'python-novaclient': { version: '2.30.1-1.el7.noarch' },
  'openstack-neutron-common': {
    version: `7.0.0-1.el7.noarch`,
    users: ['neutron'],
    files: {
      '/etc/neutron/neutron.conf': ini(
        'DEFAULT',
        'agent',
        'database',
        'keystone_authtoken',
        'nova',
        'oslo_concurrency',
        'oslo_messaging_rabbit',
      ),
    },
    dirs: ['/var/lib/neutron', '/var/log/neutron'],
  },
  'openstack-neutron': {
    version: `7.0.0-1.el7.noarch`,
    units: ['neutron-server', 'neutron-dhcp-agent', 'neutron-metadata-agent', 'neutron-l3-agent'],
    requires: ['openstack-neutron-common'],
    files: {
      '/etc/neutron/dhcp_agent.ini': ini('DEFAULT'),
      '/etc/neutron/metadata_agent.ini': ini('DEFAULT'),
      '/etc/neutron/l3_agent.ini': ini('DEFAULT'),
    },
  },
  'openstack-neutron-ml2': {
    version: `7.0.0-1.el7.noarch`,
    requires: ['openstack-neutron-common'],
    files: {
      '/etc/neutron/plugins/ml2/ml2_conf.ini': ini(
        'ml2',
        'ml2_type_flat',
        'ml2_type_vlan',
        'ml2_type_gre',
        'ml2_type_vxlan',
        'securitygroup',
      ),
    },
  },
  'openstack-neutron-linuxbridge': {
    version: `7.0.0-1.el7.noarch`,
    units: ['neutron-linuxbridge-agent'],
    requires: ['openstack-neutron-common'],
    files: { '/etc/neutron/plugins/ml2/linuxbridge_agent.ini': ini('linux_bridge', 'vxlan', 'agent', 'securitygroup') },
  },
  'python-neutronclient': { version: '3.1.0-1.el7.noarch' },
  ebtables: { version: `2.0.10-13.el7.x86_64` },
  ipset: { version: `6.19-4.el7.x86_64` },
  wget: { version: `1.14-10.el7_0.1.x86_64` },
  'openstack-utils': { version: '2015.2-1.el7.noarch' },
  vim: { version: `7.4.160-1.el7.x86_64` },
};

/** What a CentOS 7 minimal install already has. */
export const BASE_PACKAGES: Record<string, PackageSpec> = {
  bash: { version: `4.2.46-19.el7.x86_64` },
  systemd: { version: `219-19.el7.x86_64` },
  'openssh-server': { version: `6.6.1p1-22.el7.x86_64`, units: ['sshd'] },
  firewalld: { version: `0.3.9-14.el7.noarch`, units: ['firewalld'] },
  NetworkManager: { version: `1.0.6-27.el7.x86_64`, units: ['NetworkManager'] },
  crond: { version: `1.4.11-14.el7.x86_64`, units: ['crond'] },
  'centos-release': { version: `7-2.1511.el7.centos.2.10.x86_64` },
  'net-tools': { version: `2.0-0.17.20131004git.el7.x86_64` },
  curl: { version: `7.29.0-25.el7.centos.x86_64` },
  chrony: PACKAGES.chrony!,
  wget: PACKAGES.wget!,
};

export function packageSpec(name: string): PackageSpec | undefined {
  return PACKAGES[name] ?? BASE_PACKAGES[name];
}

/** Package owning a systemd unit, to tell "Unit not found" from "installed". */
export function unitOwner(unit: string): string | undefined {
  const all = { ...BASE_PACKAGES, ...PACKAGES };
  return Object.keys(all).find((name) => all[name]!.units?.includes(unit));
}

function chronyConf(): string {
  return [
    '# Use public servers from the pool.ntp.org project.',
    'server 0.centos.pool.ntp.org iburst',
    'server 1.centos.pool.ntp.org iburst',
    'server 2.centos.pool.ntp.org iburst',
    'server 3.centos.pool.ntp.org iburst',
    '',
    '# Ignore stratum in source selection.',
    'stratumweight 0',
    '# Record the rate at which the system clock gains/losses time.',
    'driftfile /var/lib/chrony/drift',
    '# Enable kernel RTC synchronization.',
    'rtcsync',
    '# In first three updates step the system clock instead of slew',
    'makestep 10 3',
    '',
    '# Listen for commands only on localhost.',
    'bindcmdaddress 127.0.0.1',
    'bindcmdaddress ::1',
    '# Allow NTP client access from local network.',
    '#allow 192.168/16',
    '',
    'keyfile /etc/chrony.keys',
    'commandkey 1',
    'generatecommandkey',
    'noclientlog',
    'logchange 0.5',
    'logdir /var/log/chrony',
    '',
  ].join('\n');
}

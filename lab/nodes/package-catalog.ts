import type { PackageChannel } from './lab-internet.js';

/** The CentOS 7 + RDO Liberty packages the lab knows: what each ships (files, users, systemd units) and where it comes from. */
export interface PackageSpec {
  version: string;
  /** The repository content that carries it (base/updates/extras of CentOS, the Cloud SIG's Liberty, EPEL). */
  channel: PackageChannel;
  files?: Record<string, string>;
  /** Owner, group and mode of packaged files that are not root:root 0644 (config files holding secrets later). */
  fileModes?: Record<string, { owner: string; group: string; mode: number }>;
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
    channel: 'extras',
    version: `7-5.noarch`,
    files: {
      '/etc/yum.repos.d/epel.repo':
        '[epel]\nname=Extra Packages for Enterprise Linux 7 - $basearch\nmirrorlist=https://mirrors.fedoraproject.org/metalink?repo=epel-7&arch=$basearch\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL-7\n',
    },
  },
  'centos-release-openstack-liberty': {
    channel: 'extras',
    version: '1-4.el7.noarch',
    files: {
      '/etc/yum.repos.d/CentOS-OpenStack-liberty.repo':
        '[centos-openstack-liberty]\nname=CentOS-7 - OpenStack liberty\nbaseurl=http://mirror.centos.org/centos/7/cloud/$basearch/openstack-liberty/\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-SIG-Cloud\n',
      '/etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-SIG-Cloud':
        '-----BEGIN PGP PUBLIC KEY BLOCK-----\n(CentOS Cloud SIG)\n-----END PGP PUBLIC KEY BLOCK-----\n',
    },
  },
  chrony: {
    channel: 'base',
    version: `2.1.1-1.el7.centos.x86_64`,
    units: ['chronyd'],
    users: ['chrony'],
    files: { '/etc/chrony.conf': chronyConf() },
  },
  'python-openstackclient': { channel: 'openstack-liberty', version: '1.7.2-1.el7.noarch' },
  mariadb: { channel: 'base', version: `5.5.44-2.el7.centos.x86_64`, files: { '/etc/my.cnf.d/client.cnf': '[client]\n\n' } },
  'mariadb-server': {
    channel: 'base',
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
  'MySQL-python': { channel: 'base', version: '1.2.3-11.el7.x86_64' },
  'rabbitmq-server': {
    channel: 'openstack-liberty',
    version: '3.3.5-6.el7.noarch',
    units: ['rabbitmq-server'],
    users: ['rabbitmq'],
    dirs: ['/etc/rabbitmq', '/var/lib/rabbitmq'],
  },
  'openstack-keystone': {
    channel: 'openstack-liberty',
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
    fileModes: {
      '/etc/keystone/keystone.conf': { owner: 'root', group: 'keystone', mode: 0o640 },
      '/var/log/keystone': { owner: 'keystone', group: 'keystone', mode: 0o750 },
      '/var/lib/keystone': { owner: 'keystone', group: 'keystone', mode: 0o750 },
    },
  },
  httpd: {
    channel: 'base',
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
    channel: 'base',
    version: '3.4-12.el7_0.x86_64',
    requires: ['httpd'],
    files: { '/etc/httpd/conf.modules.d/10-wsgi.conf': 'LoadModule wsgi_module modules/mod_wsgi.so\n' },
  },
  memcached: {
    channel: 'base',
    version: `1.4.25-1.el7.x86_64`,
    units: ['memcached'],
    users: ['memcached'],
    files: { '/etc/sysconfig/memcached': 'PORT="11211"\nUSER="memcached"\nMAXCONN="1024"\nCACHESIZE="64"\nOPTIONS=""\n' },
  },
  'python-memcached': { channel: 'base', version: '1.54-3.el7.noarch' },
  'openstack-glance': {
    channel: 'openstack-liberty',
    version: `11.0.0-1.el7.noarch`,
    users: ['glance'],
    units: ['openstack-glance-api', 'openstack-glance-registry'],
    requires: ['python-glance'],
    files: {
      '/etc/glance/glance-api.conf': ini('DEFAULT', 'database', 'glance_store', 'keystone_authtoken', 'paste_deploy'),
      '/etc/glance/glance-registry.conf': ini('DEFAULT', 'database', 'keystone_authtoken', 'paste_deploy'),
    },
    dirs: ['/var/lib/glance/images', '/var/log/glance'],
    fileModes: {
      '/etc/glance/glance-api.conf': { owner: 'root', group: 'glance', mode: 0o640 },
      '/etc/glance/glance-registry.conf': { owner: 'root', group: 'glance', mode: 0o640 },
      '/var/log/glance': { owner: 'glance', group: 'glance', mode: 0o750 },
      '/var/lib/glance/images': { owner: 'glance', group: 'glance', mode: 0o750 },
    },
  },
  'python-glance': { channel: 'openstack-liberty', version: `11.0.0-1.el7.noarch` },
  'python-glanceclient': { channel: 'openstack-liberty', version: '1.1.0-1.el7.noarch' },
  'openstack-nova-common': {
    channel: 'openstack-liberty',
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
    fileModes: {
      '/etc/nova/nova.conf': { owner: 'root', group: 'nova', mode: 0o640 },
      '/var/log/nova': { owner: 'nova', group: 'nova', mode: 0o750 },
      '/var/lib/nova': { owner: 'nova', group: 'nova', mode: 0o755 },
    },
  },
  'openstack-nova-api': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-api'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-cert': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-cert'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-conductor': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-conductor'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-console': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-consoleauth', 'openstack-nova-xvpvncproxy'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-novncproxy': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-novncproxy'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-scheduler': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-scheduler'],
    requires: ['openstack-nova-common'],
  },
  'openstack-nova-compute': {
    channel: 'openstack-liberty',
    version: `${RDO}.noarch`,
    units: ['openstack-nova-compute'],
    requires: ['openstack-nova-common', 'libvirt'],
  },
  libvirt: { channel: 'base', version: '1.2.17-13.el7.x86_64', units: ['libvirtd'], users: ['qemu'] },
  'python-novaclient': { channel: 'openstack-liberty', version: '2.30.1-1.el7.noarch' },
  'openstack-neutron-common': {
    channel: 'openstack-liberty',
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
    fileModes: {
      '/etc/neutron/neutron.conf': { owner: 'root', group: 'neutron', mode: 0o640 },
      '/var/log/neutron': { owner: 'neutron', group: 'neutron', mode: 0o750 },
      '/var/lib/neutron': { owner: 'neutron', group: 'neutron', mode: 0o755 },
    },
  },
  'openstack-neutron': {
    channel: 'openstack-liberty',
    version: `7.0.0-1.el7.noarch`,
    units: ['neutron-server', 'neutron-dhcp-agent', 'neutron-metadata-agent', 'neutron-l3-agent'],
    requires: ['openstack-neutron-common'],
    files: {
      '/etc/neutron/dhcp_agent.ini': ini('DEFAULT'),
      '/etc/neutron/metadata_agent.ini': ini('DEFAULT'),
      '/etc/neutron/l3_agent.ini': ini('DEFAULT'),
    },
    fileModes: {
      '/etc/neutron/dhcp_agent.ini': { owner: 'root', group: 'neutron', mode: 0o640 },
      '/etc/neutron/metadata_agent.ini': { owner: 'root', group: 'neutron', mode: 0o640 },
      '/etc/neutron/l3_agent.ini': { owner: 'root', group: 'neutron', mode: 0o640 },
    },
  },
  'openstack-neutron-ml2': {
    channel: 'openstack-liberty',
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
    fileModes: { '/etc/neutron/plugins/ml2/ml2_conf.ini': { owner: 'root', group: 'neutron', mode: 0o640 } },
  },
  'openstack-neutron-linuxbridge': {
    channel: 'openstack-liberty',
    version: `7.0.0-1.el7.noarch`,
    units: ['neutron-linuxbridge-agent'],
    requires: ['openstack-neutron-common'],
    files: { '/etc/neutron/plugins/ml2/linuxbridge_agent.ini': ini('linux_bridge', 'vxlan', 'agent', 'securitygroup') },
    fileModes: { '/etc/neutron/plugins/ml2/linuxbridge_agent.ini': { owner: 'root', group: 'neutron', mode: 0o640 } },
  },
  'python-neutronclient': { channel: 'openstack-liberty', version: '3.1.0-1.el7.noarch' },
  ebtables: { channel: 'base', version: `2.0.10-13.el7.x86_64` },
  ipset: { channel: 'base', version: `6.19-4.el7.x86_64` },
  wget: { channel: 'base', version: `1.14-18.el7_6.1.x86_64` },
  'net-tools': { channel: 'base', version: `2.0-0.25.20131004git.el7.x86_64` },
  openssl: { channel: 'base', version: `1.0.2k-19.el7.x86_64` },
  'openstack-utils': { channel: 'openstack-liberty', version: '2015.2-1.el7.noarch' },
  vim: { channel: 'base', version: `7.4.160-1.el7.x86_64` },
};

/** A package of the minimal install that the runbook does not need described further. */
const core = (version: string, extra: Partial<PackageSpec> = {}): PackageSpec => ({ channel: 'base', version, ...extra });

/**
 * What a CentOS 7 minimal install (the @core group) has, and no more: no net-tools (netstat,
 * ifconfig), no wget, no openssl command. Commands of packages not listed here exist on a lab node
 * only after `yum install`.
 */
export const BASE_PACKAGES: Record<string, PackageSpec> = {
  bash: core('4.2.46-34.el7.x86_64'),
  coreutils: core('8.22-24.el7.x86_64'),
  systemd: core('219-78.el7.x86_64'),
  'openssh-server': core('7.4p1-21.el7.x86_64', { units: ['sshd'] }),
  'openssh-clients': core('7.4p1-21.el7.x86_64'),
  openssh: core('7.4p1-21.el7.x86_64'),
  firewalld: core('0.6.3-11.el7.noarch', { units: ['firewalld'] }),
  NetworkManager: core('1.18.8-1.el7.x86_64', { units: ['NetworkManager'] }),
  cronie: core('1.4.11-23.el7.x86_64', { units: ['crond'] }),
  'centos-release': core('7-9.2009.0.el7.centos.x86_64'),
  curl: core('7.29.0-59.el7.x86_64'),
  iproute: core('4.11.0-30.el7.x86_64'),
  sudo: core('1.8.23-10.el7.x86_64'),
  yum: core('3.4.3-168.el7.centos.noarch'),
  rpm: core('4.11.3-45.el7.x86_64'),
  hostname: core('3.13-3.el7_7.1.x86_64'),
  'util-linux': core('2.23.2-65.el7.x86_64'),
  'libselinux-utils': core('2.5-15.el7.x86_64'),
  'glibc-common': core('2.17-317.el7.x86_64'),
  chrony: PACKAGES.chrony!,
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

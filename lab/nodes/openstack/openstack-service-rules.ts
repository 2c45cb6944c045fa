/**
 * Why an OpenStack unit would die at start on a CentOS node (the journal line), so
 * `systemctl start` fails for the same reasons the real services do.
 */
import type { LabHost } from '../lab-host.js';
import { registerServiceRule } from '../service-rules.js';
import { readIfExists } from './host-port.js';
import { iniValue, parseIni } from './ini-file.js';
import { WSGI_KEYSTONE_CONF } from './service-access.js';
import { unreadableConfig } from './config-access.js';

type Rule = (host: LabHost) => Promise<string | null>;

const NOVA_CONF = '/etc/nova/nova.conf';
const NEUTRON_CONF = '/etc/neutron/neutron.conf';

function needsOption(path: string, section: string, key: string, program: string): Rule {
  return async (host) => {
    const text = await readIfExists(host.fs, path);
    if (text === undefined) return `${program}: ERROR: Unable to read config file ${path}: No such file or directory`;
    if (!iniValue(parseIni(text), section, key))
      return `${program}: CRITICAL [-] ConfigFileValueError: option ${key} in group [${section}] of ${path} is not set`;
    return null;
  };
}

function needsFile(path: string, program: string): Rule {
  return async (host) =>
    (await host.fs.exists(path)) ? null : `${program}: ERROR: Unable to read config file ${path}: No such file or directory`;
}

function all(...rules: Rule[]): Rule {
  return async (host) => {
    for (const rule of rules) {
      const reason = await rule(host);
      if (reason) return reason;
    }
    return null;
  };
}

/** Apache only refuses the keystone vhosts when mod_wsgi is missing; without the file it starts, serving no Keystone. */
const httpd: Rule = async (host) => {
  if (!(await host.fs.exists(WSGI_KEYSTONE_CONF))) return null;
  if (host.packages.has('mod_wsgi')) return null;
  return "httpd: AH00526: Syntax error on line 5 of /etc/httpd/conf.d/wsgi-keystone.conf: Invalid command 'WSGIDaemonProcess', perhaps misspelled or defined by a module not included in the server configuration";
};

/** The service runs as `user` and reads its config files as that user: root:root 0600 stops it at start. */
function readableAs(user: string, program: string, ...paths: string[]): Rule {
  return async (host) => {
    const problem = await unreadableConfig(host, user, paths);
    return problem ? `${program}: CRITICAL ${problem}` : null;
  };
}

const LINUXBRIDGE_INI = '/etc/neutron/plugins/ml2/linuxbridge_agent.ini';

/** The agent bridges each mapped physical network onto an interface of this node; a missing one ends it. */
const mappedInterfacesExist: Rule = async (host) => {
  const mappings = iniValue(parseIni((await readIfExists(host.fs, LINUXBRIDGE_INI)) ?? ''), 'linux_bridge', 'physical_interface_mappings');
  for (const mapping of (mappings ?? '').split(',').filter(Boolean)) {
    const [network = '', device = ''] = mapping.split(':').map((part) => part.trim());
    if (!(await host.fs.exists(`/sys/class/net/${device}`))) {
      return `neutron-linuxbridge-agent: ERROR Interface ${device} for physical network ${network} does not exist. Agent terminated!`;
    }
  }
  return null;
};

const novaDatabase = (program: string) =>
  all(readableAs('nova', program, NOVA_CONF), needsOption(NOVA_CONF, 'database', 'connection', 'nova'));

const novaCompute: Rule = all(needsFile(NOVA_CONF, 'nova-compute'), readableAs('nova', 'nova-compute', NOVA_CONF), async (host) =>
  host.isActive('libvirtd') ? null : 'nova-compute: ERROR nova.virt.libvirt.driver [-] Connection to the hypervisor is broken on host',
);

const neutronAgent = (program: string, ...files: string[]) =>
  all(needsFile(NEUTRON_CONF, program), readableAs('neutron', program, NEUTRON_CONF, ...files));

export const OPENSTACK_SERVICE_RULES: Record<string, Rule> = {
  httpd,
  'openstack-glance-api': all(
    readableAs('glance', 'glance-api', '/etc/glance/glance-api.conf'),
    needsOption('/etc/glance/glance-api.conf', 'database', 'connection', 'glance-api'),
  ),
  'openstack-glance-registry': all(
    readableAs('glance', 'glance-registry', '/etc/glance/glance-registry.conf'),
    needsOption('/etc/glance/glance-registry.conf', 'database', 'connection', 'glance-registry'),
  ),
  'openstack-nova-api': novaDatabase('nova-api'),
  'openstack-nova-cert': novaDatabase('nova-cert'),
  'openstack-nova-conductor': novaDatabase('nova-conductor'),
  'openstack-nova-consoleauth': novaDatabase('nova-consoleauth'),
  'openstack-nova-scheduler': novaDatabase('nova-scheduler'),
  'openstack-nova-novncproxy': all(needsFile(NOVA_CONF, 'nova-novncproxy'), readableAs('nova', 'nova-novncproxy', NOVA_CONF)),
  'openstack-nova-compute': novaCompute,
  'neutron-server': all(
    needsOption(NEUTRON_CONF, 'database', 'connection', 'neutron-server'),
    async (host) =>
      (await host.fs.exists('/etc/neutron/plugin.ini'))
        ? null
        : 'neutron-server: ERROR: Unable to read config file /etc/neutron/plugin.ini: No such file or directory',
    readableAs('neutron', 'neutron-server', NEUTRON_CONF, '/etc/neutron/plugins/ml2/ml2_conf.ini'),
  ),
  'neutron-linuxbridge-agent': all(
    neutronAgent('neutron-linuxbridge-agent', LINUXBRIDGE_INI),
    needsOption(LINUXBRIDGE_INI, 'linux_bridge', 'physical_interface_mappings', 'neutron-linuxbridge-agent'),
    mappedInterfacesExist,
  ),
  'neutron-dhcp-agent': all(
    neutronAgent('neutron-dhcp-agent', '/etc/neutron/dhcp_agent.ini'),
    needsOption('/etc/neutron/dhcp_agent.ini', 'DEFAULT', 'interface_driver', 'neutron-dhcp-agent'),
  ),
  'neutron-metadata-agent': all(
    neutronAgent('neutron-metadata-agent', '/etc/neutron/metadata_agent.ini'),
    needsOption('/etc/neutron/metadata_agent.ini', 'DEFAULT', 'nova_metadata_ip', 'neutron-metadata-agent'),
  ),
};

let registered = false;

/** The rules are process-wide (lab-infra's registry is module state), so they are added once whatever the number of labs. */
export function registerOpenStackServiceRules(): void {
  if (registered) return;
  registered = true;
  for (const [unit, rule] of Object.entries(OPENSTACK_SERVICE_RULES)) registerServiceRule(unit, rule);
}

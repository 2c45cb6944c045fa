/**
 * What an instance on the provider network finds at 169.254.169.254: with isolated metadata the
 * DHCP agent's namespace proxies to the metadata agent on the same node, which signs the request
 * with its shared secret and its Keystone credentials and hands it to nova-api's metadata service,
 * which checks the signature against its own [neutron] metadata_proxy_shared_secret.
 */
import type { Cloud } from './cloud.js';
import { readIfExists } from './host-port.js';
import { iniValue, parseIni } from './ini-file.js';
import type { Instance } from './nova-state.js';
import { keystoneCredentialsOf } from './service-access.js';

const DHCP_AGENT_INI = '/etc/neutron/dhcp_agent.ini';
const METADATA_AGENT_INI = '/etc/neutron/metadata_agent.ini';
const NOVA_CONF = '/etc/nova/nova.conf';

/** Why the instance gets no metadata (what the agents' logs would say), or undefined when it gets its id and key. */
export async function metadataProblem(cloud: Cloud): Promise<string | undefined> {
  const agents = await cloud.neutronAgents();
  const aliveOn = (binary: string) => agents.filter((a) => a.binary === binary && a.alive).map((a) => a.host);
  for (const name of aliveOn('neutron-dhcp-agent')) {
    const host = cloud.hostByAddress(name);
    if (!host) continue;
    const dhcp = parseIni((await readIfExists(host.fs, DHCP_AGENT_INI)) ?? '');
    if (!/^true$/i.test(iniValue(dhcp, 'DEFAULT', 'enable_isolated_metadata') ?? '')) return 'dhcp agent: isolated metadata is off';
    if (!aliveOn('neutron-metadata-agent').includes(name)) return `metadata agent not alive on ${name}`;
    const agentIni = parseIni((await readIfExists(host.fs, METADATA_AGENT_INI)) ?? '');
    const credentials = await keystoneCredentialsOf(cloud, agentIni, 'DEFAULT', METADATA_AGENT_INI);
    if (credentials) return `metadata agent: ${credentials}`;
    const novaIp = iniValue(agentIni, 'DEFAULT', 'nova_metadata_ip') ?? '127.0.0.1';
    const novaHost = novaIp === '127.0.0.1' ? host : cloud.hostByAddress(novaIp);
    if (!novaHost?.isActive('openstack-nova-api')) return `metadata agent: cannot reach nova-api metadata at ${novaIp}:8775`;
    const nova = parseIni((await readIfExists(novaHost.fs, NOVA_CONF)) ?? '');
    if (!/^true$/i.test(iniValue(nova, 'neutron', 'service_metadata_proxy') ?? ''))
      return 'nova-api: service_metadata_proxy is off (HTTP 404)';
    const secret = iniValue(nova, 'neutron', 'metadata_proxy_shared_secret') ?? '';
    if (secret !== (iniValue(agentIni, 'DEFAULT', 'metadata_proxy_shared_secret') ?? '')) {
      return 'nova-api: X-Instance-ID-Signature does not match: the metadata_proxy_shared_secret of metadata_agent.ini and nova.conf differ (HTTP 403)';
    }
    return undefined;
  }
  return 'no DHCP agent alive serves the network';
}

/** The end of cirros 0.3.4's boot log, as `nova console-log` prints it. */
export async function consoleLog(cloud: Cloud, instance: Instance): Promise<string> {
  const head = [
    'Starting network...',
    'udhcpc (v1.20.1) started',
    'Sending discover...',
    `Sending select for ${instance.ip ?? '0.0.0.0'}...`,
    `Lease of ${instance.ip ?? '0.0.0.0'} obtained, lease time 86400`,
    "cirros-ds 'net' up at 2.19",
    'checking http://169.254.169.254/2009-04-04/instance-id',
  ];
  const problem = await metadataProblem(cloud);
  const tail = problem
    ? [
        ...Array.from({ length: 20 }, (_, i) => `failed ${i + 1}/20: up ${(2.2 + i * 9.4).toFixed(2)}. request failed`),
        'failed to read iid from metadata. tried 20',
        'no results found for mode=net. up 190.34. searched: nocloud configdrive ec2',
      ]
    : [
        'successful after 1/20 tries: up 2.36. iid=i-00000001',
        'failed to get http://169.254.169.254/2009-04-04/user-data',
        ' warning: no ec2 metadata for user-data',
        'found datasource (ec2, net)',
      ];
  return `${[...head, ...tail, '', `login as 'cirros' user. default password: 'cubswin:)'. use 'sudo' for root.`, `${instance.name} login: `].join('\n')}\n`;
}

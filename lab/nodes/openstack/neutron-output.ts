import type { Network, Subnet } from './neutron-state.js';

export function poolsCell(subnet: Subnet): string {
  return subnet.allocationPools.map((p) => `{"start": "${p.start}", "end": "${p.end}"}`).join('\n');
}

export function networkRecord(network: Network): Record<string, string> {
  return {
    admin_state_up: 'True',
    id: network.id,
    mtu: '0',
    name: network.name,
    port_security_enabled: 'True',
    'provider:network_type': network.networkType,
    'provider:physical_network': network.physicalNetwork ?? '',
    'provider:segmentation_id': '',
    'router:external': network.external ? 'True' : 'False',
    shared: network.shared ? 'True' : 'False',
    status: 'ACTIVE',
    subnets: network.subnetIds.join('\n'),
    tenant_id: network.tenantId,
  };
}

export function subnetRecord(subnet: Subnet): Record<string, string> {
  return {
    allocation_pools: poolsCell(subnet),
    cidr: subnet.cidr,
    dns_nameservers: subnet.dnsNameservers.join('\n'),
    enable_dhcp: subnet.enableDhcp ? 'True' : 'False',
    gateway_ip: subnet.gatewayIp,
    host_routes: '',
    id: subnet.id,
    ip_version: '4',
    ipv6_address_mode: '',
    ipv6_ra_mode: '',
    name: subnet.name,
    network_id: subnet.networkId,
    subnetpool_id: '',
    tenant_id: subnet.tenantId,
  };
}

/** What `neutron ext-list` shows for ML2 with the router service plugin (Liberty). */
export const NEUTRON_EXTENSIONS: string[][] = [
  ['dns-integration', 'DNS Integration'],
  ['ext-gw-mode', 'Neutron L3 Configurable external gateway mode'],
  ['binding', 'Port Binding'],
  ['agent', 'agent'],
  ['subnet_allocation', 'Subnet Allocation'],
  ['l3_agent_scheduler', 'L3 Agent Scheduler'],
  ['external-net', 'Neutron external network'],
  ['flavors', 'Neutron Service Flavors'],
  ['net-mtu', 'Network MTU'],
  ['quotas', 'Quota management support'],
  ['l3-ha', 'HA Router extension'],
  ['provider', 'Provider Network'],
  ['multi-provider', 'Multi Provider Network'],
  ['extraroute', 'Neutron Extra Route'],
  ['router', 'Neutron L3 Router'],
  ['extra_dhcp_opt', 'Neutron Extra DHCP opts'],
  ['security-group', 'security-group'],
  ['dhcp_agent_scheduler', 'DHCP Agent Scheduler'],
  ['rbac-policies', 'RBAC Policies'],
  ['port-security', 'Port Security'],
  ['allowed-address-pairs', 'Allowed Address Pairs'],
  ['dvr', 'Distributed Virtual Router'],
];

import { conflict } from './api-errors.js';
import { resourceId } from './ids.js';

export interface Network {
  id: string;
  name: string;
  tenantId: string;
  shared: boolean;
  external: boolean;
  networkType: string;
  physicalNetwork: string | undefined;
  subnetIds: string[];
}

export interface AllocationPool {
  start: string;
  end: string;
}

export interface Subnet {
  id: string;
  name: string;
  networkId: string;
  tenantId: string;
  cidr: string;
  gatewayIp: string;
  dnsNameservers: string[];
  allocationPools: AllocationPool[];
  enableDhcp: boolean;
  /** Addresses handed out so far (DHCP port first, then instances). */
  allocated: string[];
}

export interface Agent {
  id: string;
  agentType: string;
  host: string;
  binary: string;
}

/** The agent each systemd unit registers, as `neutron agent-list` names it. */
export const AGENT_UNITS: Record<string, string> = {
  'neutron-metadata-agent': 'Metadata agent',
  'neutron-linuxbridge-agent': 'Linux bridge agent',
  'neutron-dhcp-agent': 'DHCP agent',
  'neutron-l3-agent': 'L3 agent',
};

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function isIpv4(value: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(value) && value.split('.').every((o) => Number(o) <= 255);
}

export function parseCidr(cidr: string): { network: number; prefix: number } | undefined {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!match || !isIpv4(match[1]) || Number(match[2]) > 32) return undefined;
  const prefix = Number(match[2]);
  const size = 2 ** (32 - prefix);
  return { network: Math.floor(ipToNumber(match[1]) / size) * size, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const parsed = parseCidr(cidr);
  if (!parsed || !isIpv4(ip)) return false;
  const n = ipToNumber(ip);
  return n >= parsed.network && n < parsed.network + 2 ** (32 - parsed.prefix);
}

export class NeutronState {
  readonly networks = new Map<string, Network>();
  readonly subnets = new Map<string, Subnet>();
  /** Agents stay registered once seen; `alive` is whether their unit still runs. */
  readonly agents = new Map<string, Agent>();

  createNetwork(fields: Omit<Network, 'id' | 'subnetIds'>): Network {
    const network: Network = { id: resourceId(), subnetIds: [], ...fields };
    this.networks.set(network.id, network);
    return network;
  }

  createSubnet(fields: Omit<Subnet, 'id' | 'allocated'>): Subnet {
    const network = this.networks.get(fields.networkId)!;
    const overlaps = network.subnetIds.some((id) => this.subnets.get(id)?.cidr === fields.cidr);
    if (overlaps) throw conflict('subnet');
    const subnet: Subnet = { id: resourceId(), allocated: [], ...fields };
    this.subnets.set(subnet.id, subnet);
    network.subnetIds.push(subnet.id);
    if (subnet.enableDhcp) this.allocateIp(subnet);
    return subnet;
  }

  /** Next free address of the allocation pools, or undefined when they are exhausted. */
  allocateIp(subnet: Subnet): string | undefined {
    for (const pool of subnet.allocationPools) {
      for (let n = ipToNumber(pool.start); n <= ipToNumber(pool.end); n++) {
        const ip = numberToIp(n);
        if (ip === subnet.gatewayIp || subnet.allocated.includes(ip)) continue;
        subnet.allocated.push(ip);
        return ip;
      }
    }
    return undefined;
  }

  /** By id, else by unique name (neutronclient's find_resourceid_by_name_or_id). */
  resolveNetwork(nameOrId: string): Network | undefined {
    const byId = this.networks.get(nameOrId);
    if (byId) return byId;
    const named = [...this.networks.values()].filter((n) => n.name === nameOrId);
    return named.length === 1 ? named[0] : undefined;
  }

  registerAgent(host: string, binary: string): Agent {
    const key = `${host}/${binary}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = { id: resourceId(), agentType: AGENT_UNITS[binary], host, binary };
      this.agents.set(key, agent);
    }
    return agent;
  }

  defaultPool(cidr: string, gatewayIp: string): AllocationPool[] {
    const parsed = parseCidr(cidr)!;
    const first = parsed.network + 1;
    const last = parsed.network + 2 ** (32 - parsed.prefix) - 2;
    const start = ipToNumber(gatewayIp) === first ? first + 1 : first;
    return [{ start: numberToIp(start), end: numberToIp(last) }];
  }
}

export function defaultGateway(cidr: string): string {
  const parsed = parseCidr(cidr)!;
  return numberToIp(parsed.network + 1);
}

import { GlanceState } from './glance-state.js';
import { type CloudHost, readIfExists } from './host-port.js';
import { iniValue, parseIni } from './ini-file.js';
import { KeystoneState } from './keystone-state.js';
import { AGENT_UNITS, type Network, NeutronState } from './neutron-state.js';
import { messagingWorks } from './messaging.js';
import { databaseCredentialsProblem } from './config-access.js';
import { type Instance, NOVA_SERVICE_UNITS, NovaState } from './nova-state.js';

export interface CloudOptions {
  /** How long an instance stays in BUILD before it is ACTIVE (it also turns ACTIVE after one `nova list`). */
  buildDurationMs?: number;
  now?: () => Date;
}

export interface NovaServiceView {
  id: number;
  binary: string;
  host: string;
  zone: 'internal' | 'nova';
  up: boolean;
}

export interface AgentView {
  id: string;
  agentType: string;
  host: string;
  binary: string;
  alive: boolean;
}

export type InstanceStatus = 'BUILD' | 'ACTIVE' | 'ERROR';

const LINUXBRIDGE_AGENT_INI = '/etc/neutron/plugins/ml2/linuxbridge_agent.ini';

/** One OpenStack cloud shared by every node of a lab: the API services' state plus what the nodes run. */
export class Cloud {
  readonly keystone = new KeystoneState();
  readonly glance = new GlanceState();
  readonly nova = new NovaState();
  readonly neutron = new NeutronState();
  readonly buildDurationMs: number;
  private readonly hosts = new Map<string, CloudHost>();
  private readonly clock: () => Date;

  constructor(options: CloudOptions = {}) {
    this.buildDurationMs = options.buildDurationMs ?? 3000;
    this.clock = options.now ?? (() => new Date());
  }

  now(): Date {
    return this.clock();
  }

  addHost(host: CloudHost): void {
    this.hosts.set(host.name, host);
  }

  hostList(): CloudHost[] {
    return [...this.hosts.values()];
  }

  /** A URL or connection string may name a node by IP, FQDN or short name. */
  hostByAddress(address: string): CloudHost | undefined {
    return this.hostList().find((h) => h.managementIp === address || h.name === address || h.name.split('.')[0] === address);
  }

  controller(): CloudHost | undefined {
    return this.hostList().find((h) => h.roles.includes('controller'));
  }

  /** Tables of a database on the node's MariaDB: what a service's db sync created, what `SHOW TABLES` lists. */
  databaseTables(serverAddress: string, database: string): readonly string[] {
    return [...(this.hostByAddress(serverAddress)?.mysql.databases.get(database) ?? [])];
  }

  isSynced(serverAddress: string, database: string): boolean {
    return this.databaseTables(serverAddress, database).length > 0;
  }

  /**
   * Nova services register (over RabbitMQ) on first run and stay listed; `up` while their unit runs
   * and reports. The controller's services also need their database (the config's password must log
   * in); nova-compute reports through nova-conductor, so it is down while no conductor is up.
   */
  async novaServices(): Promise<NovaServiceView[]> {
    const active = new Set<string>();
    for (const host of this.hostList()) {
      const reports = await messagingWorks(this, host, '/etc/nova/nova.conf');
      const database = !(await databaseCredentialsProblem(this, host, '/etc/nova/nova.conf'));
      for (const [unit, binary] of Object.entries(NOVA_SERVICE_UNITS)) {
        if (!reports || !host.isActive(unit)) continue;
        if (binary !== 'nova-compute' && !database) continue;
        this.nova.registerService(host.name, binary);
        active.add(`${host.name}/${binary}`);
      }
    }
    const conductorUp = [...active].some((key) => key.endsWith('/nova-conductor'));
    return [...this.nova.services.values()]
      .map((s) => ({
        ...s,
        zone: s.binary === 'nova-compute' ? ('nova' as const) : ('internal' as const),
        up: active.has(`${s.host}/${s.binary}`) && (s.binary !== 'nova-compute' || conductorUp),
      }))
      .sort((a, b) => a.host.localeCompare(b.host) || a.binary.localeCompare(b.binary));
  }

  async neutronAgents(): Promise<AgentView[]> {
    const active = new Set<string>();
    for (const host of this.hostList()) {
      const reports = await messagingWorks(this, host, '/etc/neutron/neutron.conf');
      for (const unit of Object.keys(AGENT_UNITS)) {
        if (!reports || !host.isActive(unit)) continue;
        this.neutron.registerAgent(host.name, unit);
        active.add(`${host.name}/${unit}`);
      }
    }
    return [...this.neutron.agents.values()]
      .map((a) => ({ ...a, alive: active.has(`${a.host}/${a.binary}`) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A compute node with nova-compute up, picked the way the scheduler would (least loaded); none without scheduler and conductor. */
  async scheduleCompute(): Promise<string | undefined> {
    const services = await this.novaServices();
    const up = (binary: string) => services.some((s) => s.binary === binary && s.up);
    if (!up('nova-scheduler') || !up('nova-conductor')) return undefined;
    const computes = services.filter((s) => s.binary === 'nova-compute' && s.up);
    const load = (host: string) => [...this.nova.instances.values()].filter((i) => i.host === host).length;
    return computes.sort((a, b) => load(a.host) - load(b.host))[0]?.host;
  }

  /**
   * A port of `network` was bound on `hostName`: its Linux bridge agent plugs it into the network's
   * bridge, creating the bridge on first use and enslaving the mapped physical interface. When that
   * interface holds the node's address (the seed's one-NIC layout), the agent moves the address onto
   * the bridge, which cuts sessions using it once.
   */
  async portBound(hostName: string, network: Network): Promise<void> {
    const host = this.hostByAddress(hostName);
    if (!host || network.networkType !== 'flat' || !network.physicalNetwork || !host.isActive('neutron-linuxbridge-agent')) return;
    if (host.bridges.has(network.id)) return;
    const ini = parseIni((await readIfExists(host.fs, LINUXBRIDGE_AGENT_INI)) ?? '');
    const mappings = (iniValue(ini, 'linux_bridge', 'physical_interface_mappings') ?? '').split(',').map((m) => m.trim().split(':'));
    const device = mappings.find(([physnet]) => physnet === network.physicalNetwork)?.[1];
    if (!device) return;
    host.bridges.set(network.id, `brq${network.id.slice(0, 11)}`);
    if (device === host.addressInterface) host.onAddressMoved?.();
  }

  /** Nova deletes the instance and Neutron releases its port's address. */
  deleteInstance(instance: Instance): void {
    this.nova.instances.delete(instance.id);
    if (!instance.ip) return;
    for (const subnet of this.neutron.subnets.values()) subnet.allocated = subnet.allocated.filter((ip) => ip !== instance.ip);
  }

  instanceStatus(instance: Instance): InstanceStatus {
    if (!instance.host || instance.fault) return 'ERROR';
    const elapsed = this.now().getTime() - instance.createdAt.getTime();
    return elapsed >= this.buildDurationMs || instance.timesListed > 0 ? 'ACTIVE' : 'BUILD';
  }
}

export function createCloud(options: CloudOptions = {}): Cloud {
  return new Cloud(options);
}

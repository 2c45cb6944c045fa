/** python-neutronclient 3.x (Liberty): agents, provider network and subnet, extensions. */
import { ApiError } from './api-errors.js';
import { type ParsedArgs, parseArgs, requirePositionals, UsageError } from './cli-args.js';
import { type CommandOutput, FORMAT_ALIASES, LIST_FORMAT_OPTIONS, renderOutput } from './cliff-output.js';
import { authenticate, settings, splitGlobals } from './client-auth.js';
import { argparseFailure, plainFailure } from './client-errors.js';
import type { Cloud } from './cloud.js';
import { type CliContext, type CliResult, fail, ok, readIfExists } from './host-port.js';
import { iniValue, parseIni } from './ini-file.js';
import { NEUTRON_EXTENSIONS, networkRecord, poolsCell, subnetRecord } from './neutron-output.js';
import { cidrContains, defaultGateway, isIpv4, parseCidr } from './neutron-state.js';
import { callCatalogService, type Session } from './service-access.js';
import type { Cell } from './table-format.js';

/** neutronclient is cliff-based: every command takes `-f`/`-c`, and create commands print a heading first. */
interface NeutronOutput {
  heading?: string;
  output: CommandOutput;
}

type NeutronHandler = (cloud: Cloud, session: Session, ctx: CliContext, args: string[]) => Promise<NeutronOutput>;

const list = (columns: string[], rows: Cell[][]): NeutronOutput => ({ output: { kind: 'list', columns, rows } });
const created = (what: string, record: Record<string, Cell>): NeutronOutput => ({
  heading: `Created a new ${what}:\n`,
  output: { kind: 'record', record },
});

/** Split cliff's formatting options off, so each subcommand parses only its own. */
function formattingOptions(args: string[]): { own: string[]; formatting: ParsedArgs } {
  const own: string[] = [];
  const formatting: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].split('=')[0];
    if (['-f', '--format', '-c', '--column', '--quote', '--max-width'].includes(name)) {
      formatting.push(args[i]);
      if (!args[i].includes('=') && i + 1 < args.length) formatting.push(args[++i]);
    } else own.push(args[i]);
  }
  return { own, formatting: parseArgs(formatting, { options: LIST_FORMAT_OPTIONS, aliases: FORMAT_ALIASES }) };
}

const networkApi = (cloud: Cloud, path: string) => callCatalogService(cloud, 'network', path);

function requireAdmin(session: Session, action: string): void {
  if (!session.isAdmin) throw new ApiError(403, `Policy doesn't allow ${action} to be performed.`);
}

/** ML2 refuses a flat network on a physical network its config does not list. */
async function checkFlatNetwork(cloud: Cloud, serverConfig: string | undefined, type: string, physnet: string | undefined): Promise<void> {
  const ini = parseIni(serverConfig ?? '');
  const typeDrivers = (iniValue(ini, 'ml2', 'type_drivers') ?? 'local,flat,vlan,gre,vxlan').split(',').map((t) => t.trim());
  if (!typeDrivers.includes(type)) throw new ApiError(400, `Invalid input for operation: network_type value '${type}' not supported.`);
  if (type !== 'flat') return;
  if (!physnet) throw new ApiError(400, 'Invalid input for operation: physical_network required for flat provider network.');
  const flat = (iniValue(ini, 'ml2_type_flat', 'flat_networks') ?? '').split(',').map((n) => n.trim());
  if (!flat.includes('*') && !flat.includes(physnet)) {
    throw new ApiError(400, `Invalid input for operation: physical_network '${physnet}' unknown for flat provider network.`);
  }
  const inUse = [...cloud.neutron.networks.values()].some((n) => n.networkType === 'flat' && n.physicalNetwork === physnet);
  if (inUse) throw new ApiError(409, `Unable to create the flat network. Physical network ${physnet} is in use.`);
}

function parsePool(value: string): { start: string; end: string } {
  const start = /start=([^,]+)/.exec(value)?.[1];
  const end = /end=([^,]+)/.exec(value)?.[1];
  if (!start || !end || !isIpv4(start) || !isIpv4(end)) throw new UsageError(`Invalid allocation pool: ${value}`);
  return { start, end };
}

const SUBCOMMANDS: Record<string, NeutronHandler> = {
  async 'agent-list'(cloud, session) {
    await networkApi(cloud, '/v2.0/agents.json');
    requireAdmin(session, 'get_agent');
    const rows = (await cloud.neutronAgents()).map((a) => [a.id, a.agentType, a.host, a.alive ? ':-)' : 'xxx', 'True', a.binary]);
    return list(['id', 'agent_type', 'host', 'alive', 'admin_state_up', 'binary'], rows);
  },
  async 'net-create'(cloud, session, _ctx, args) {
    const parsed = parseArgs(args, {
      options: {
        '--shared': 'flag',
        '--router:external': 'flag',
        '--provider:physical_network': 'value',
        '--provider:network_type': 'value',
        '--provider:segmentation_id': 'value',
        '--tenant-id': 'value',
        '--admin-state-down': 'flag',
      },
    });
    const [name] = requirePositionals(parsed, ['NAME']);
    const { host } = await networkApi(cloud, '/v2.0/networks.json');
    const type = parsed.values.get('--provider:network_type');
    const physnet = parsed.values.get('--provider:physical_network');
    if (type || physnet || parsed.flags.has('--shared')) requireAdmin(session, 'create_network:provider:physical_network');
    const ml2 = await readIfExists(host.fs, '/etc/neutron/plugin.ini');
    if (type) await checkFlatNetwork(cloud, ml2, type, physnet);
    const network = cloud.neutron.createNetwork({
      name,
      tenantId: parsed.values.get('--tenant-id') ?? session.projectId ?? '',
      shared: parsed.flags.has('--shared'),
      external: parsed.flags.has('--router:external'),
      networkType: type ?? 'vxlan',
      physicalNetwork: physnet,
    });
    return created('network', networkRecord(network));
  },
  async 'net-list'(cloud, session) {
    await networkApi(cloud, '/v2.0/networks.json');
    const rows = [...cloud.neutron.networks.values()]
      .filter((n) => n.shared || session.isAdmin || n.tenantId === session.projectId)
      .map((n) => [n.id, n.name, n.subnetIds.map((id) => `${id} ${cloud.neutron.subnets.get(id)?.cidr ?? ''}`).join('\n')]);
    return list(['id', 'name', 'subnets'], rows);
  },
  async 'net-show'(cloud, session, _ctx, args) {
    const [nameOrId] = requirePositionals(parseArgs(args, { options: {} }), ['NETWORK']);
    await networkApi(cloud, `/v2.0/networks/${nameOrId}.json`);
    const network = cloud.neutron.resolveNetwork(nameOrId);
    if (!network || !(network.shared || session.isAdmin || network.tenantId === session.projectId)) {
      throw new ApiError(404, `Unable to find network with name or id '${nameOrId}'`);
    }
    return { output: { kind: 'record', record: networkRecord(network) } };
  },
  async 'subnet-create'(cloud, session, _ctx, args) {
    const parsed = parseArgs(args, {
      options: {
        '--name': 'value',
        '--allocation-pool': 'multi',
        '--dns-nameserver': 'multi',
        '--gateway': 'value',
        '--no-gateway': 'flag',
        '--enable-dhcp': 'flag',
        '--disable-dhcp': 'flag',
        '--ip-version': 'value',
        '--tenant-id': 'value',
      },
    });
    const [networkArg, cidr] = requirePositionals(parsed, ['NETWORK', 'CIDR']);
    await networkApi(cloud, '/v2.0/subnets.json');
    const net = cloud.neutron.resolveNetwork(networkArg);
    if (!net) throw new ApiError(404, `Unable to find network with name or id '${networkArg}'`);
    if (!parseCidr(cidr)) throw new ApiError(400, `Invalid input for cidr. Reason: '${cidr}' is not a valid IP subnet.`);
    if (!session.isAdmin && net.tenantId !== session.projectId)
      throw new ApiError(403, "Policy doesn't allow create_subnet to be performed.");
    const gatewayIp = parsed.values.get('--gateway') ?? defaultGateway(cidr);
    if (!cidrContains(cidr, gatewayIp)) throw new ApiError(400, `Invalid input for operation: Gateway is not valid on subnet.`);
    const pools = (parsed.multi.get('--allocation-pool') ?? []).map(parsePool);
    for (const pool of pools) {
      if (!cidrContains(cidr, pool.start) || !cidrContains(cidr, pool.end)) {
        throw new ApiError(400, `The allocation pool ${pool.start}-${pool.end} spans beyond the subnet cidr ${cidr}.`);
      }
    }
    const subnet = cloud.neutron.createSubnet({
      name: parsed.values.get('--name') ?? '',
      networkId: net.id,
      tenantId: session.projectId ?? '',
      cidr,
      gatewayIp,
      dnsNameservers: parsed.multi.get('--dns-nameserver') ?? [],
      allocationPools: pools.length > 0 ? pools : cloud.neutron.defaultPool(cidr, gatewayIp),
      enableDhcp: !parsed.flags.has('--disable-dhcp'),
    });
    // The DHCP agents serving the network get a port each, bound on their node.
    if (subnet.enableDhcp) {
      for (const agent of (await cloud.neutronAgents()).filter((a) => a.binary === 'neutron-dhcp-agent' && a.alive)) {
        await cloud.portBound(agent.host, net);
      }
    }
    return created('subnet', subnetRecord(subnet));
  },
  async 'subnet-list'(cloud) {
    await networkApi(cloud, '/v2.0/subnets.json');
    const rows = [...cloud.neutron.subnets.values()].map((s) => [s.id, s.name, s.cidr, poolsCell(s)]);
    return list(['id', 'name', 'cidr', 'allocation_pools'], rows);
  },
  async 'ext-list'(cloud) {
    await networkApi(cloud, '/v2.0/extensions.json');
    return list(['alias', 'name'], NEUTRON_EXTENSIONS);
  },
};

export function neutronCommand(cloud: Cloud) {
  return async (argv: string[], ctx: CliContext): Promise<CliResult> => {
    let split;
    try {
      split = splitGlobals(argv);
    } catch (error) {
      return argparseFailure('neutron', '', (error as Error).message);
    }
    const [subcommand, ...args] = split.rest;
    const handler = subcommand ? SUBCOMMANDS[subcommand] : undefined;
    if (!handler) return fail(`Unknown command [u'${split.rest.join("', u'")}']`, 2);
    try {
      const { own, formatting } = formattingOptions(args);
      const session = await authenticate(cloud, ctx, settings(split.globals, ctx.env), { identity: false });
      const result = await handler(cloud, session, ctx, own);
      return ok((result.heading ?? '') + renderOutput(result.output, formatting));
    } catch (error) {
      if (error instanceof UsageError) return argparseFailure('neutron', subcommand, error.message);
      return plainFailure(error);
    }
  };
}

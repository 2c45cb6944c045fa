/** python-novaclient 2.30 (Liberty): the subcommands the seed runs, against the shared cloud. */
import { ApiError } from './api-errors.js';
import { parseArgs, requirePositionals, UsageError } from './cli-args.js';
import { authenticate, settings, splitGlobals } from './client-auth.js';
import { argparseFailure, novaFailure, unknownSubcommand } from './client-errors.js';
import type { Cloud } from './cloud.js';
import {
  addSecurityGroupRule,
  bootInstance,
  findInstance,
  instancesOf,
  networksCell,
  visibleImages,
  vncConsoleUrl,
} from './compute-api.js';
import { type CliContext, type CliResult, ok, readIfExists, resolvePath } from './host-port.js';
import { apiTimestamp, randomPassword } from './ids.js';
import { iniValue, parseIni } from './ini-file.js';
import { generateKeypair, publicKeyFingerprint } from './nova-keypairs.js';
import { instanceRecord, novaEndpoints } from './nova-output.js';
import { consoleLog } from './metadata-service.js';
import { LIBERTY_FLAVORS } from './nova-state.js';
import { callCatalogService, type Session } from './service-access.js';
import { formatRecord, formatTable } from './table-format.js';

type NovaHandler = (cloud: Cloud, session: Session, ctx: CliContext, args: string[]) => Promise<CliResult>;

const compute = (cloud: Cloud, path: string) => callCatalogService(cloud, 'compute', path);
const RULE_COLUMNS = ['IP Protocol', 'From Port', 'To Port', 'IP Range', 'Source Group'];

function requireAdmin(session: Session, rule: string): void {
  if (!session.isAdmin) throw new ApiError(403, `Policy doesn't allow ${rule} to be performed.`);
}

const SUBCOMMANDS: Record<string, NovaHandler> = {
  async 'service-list'(cloud, session) {
    await compute(cloud, '/os-services');
    requireAdmin(session, 'os_compute_api:os-services');
    const updated = apiTimestamp(cloud.now()).replace('Z', '.000000');
    const rows = (await cloud.novaServices()).map((s) => [s.id, s.binary, s.host, s.zone, 'enabled', s.up ? 'up' : 'down', updated, '-']);
    return ok(formatTable(['Id', 'Binary', 'Host', 'Zone', 'Status', 'State', 'Updated_at', 'Disabled Reason'], rows));
  },
  async 'host-list'(cloud, session) {
    await compute(cloud, '/os-hosts');
    requireAdmin(session, 'compute_extension:hosts');
    const rows = (await cloud.novaServices()).map((s) => [s.host, s.binary.replace(/^nova-/, ''), s.zone]);
    return ok(formatTable(['host_name', 'service', 'zone'], rows));
  },
  async 'image-list'(cloud, session) {
    await compute(cloud, '/images/detail');
    await callCatalogService(cloud, 'image', '/v2/images');
    const rows = visibleImages(cloud, session).map((i) => [i.id, i.name, i.status.toUpperCase(), '']);
    return ok(formatTable(['ID', 'Name', 'Status', 'Server'], rows));
  },
  async 'flavor-list'(cloud) {
    await compute(cloud, '/flavors/detail');
    const rows = LIBERTY_FLAVORS.map((f) => [
      f.id,
      f.name,
      f.memoryMb,
      f.diskGb,
      f.ephemeralGb,
      f.swapMb || '',
      f.vcpus,
      f.rxtxFactor.toFixed(1),
      f.isPublic ? 'True' : 'False',
    ]);
    return ok(formatTable(['ID', 'Name', 'Memory_MB', 'Disk', 'Ephemeral', 'Swap', 'VCPUs', 'RXTX_Factor', 'Is_Public'], rows));
  },
  async 'keypair-add'(cloud, session, ctx, args) {
    const parsed = parseArgs(args, { options: { '--pub-key': 'value', '--pub_key': 'value', '--key-type': 'value' } });
    const [name] = requirePositionals(parsed, ['name']);
    const file = parsed.values.get('--pub-key') ?? parsed.values.get('--pub_key');
    let publicKey: string;
    let privateKey = '';
    if (file) {
      const text = await readIfExists(ctx.fs, resolvePath(ctx.cwd, file));
      if (text === undefined) throw new Error(`Can't open or read '${file}': [Errno 2] No such file or directory: '${file}'`);
      publicKey = text.trim();
    } else {
      ({ publicKey, privateKey } = generateKeypair(name));
    }
    await compute(cloud, '/os-keypairs');
    const fingerprint = publicKeyFingerprint(publicKey);
    if (cloud.nova.keypairsOf(session.userId!).some((k) => k.name === name)) {
      throw new ApiError(409, `Key pair '${name}' already exists.`);
    }
    cloud.nova.addKeypair({ name, userId: session.userId!, publicKey, fingerprint });
    return ok(privateKey);
  },
  async 'keypair-list'(cloud, session) {
    await compute(cloud, '/os-keypairs');
    return ok(
      formatTable(
        ['Name', 'Fingerprint'],
        cloud.nova.keypairsOf(session.userId!).map((k) => [k.name, k.fingerprint]),
      ),
    );
  },
  async 'secgroup-add-rule'(cloud, session, _ctx, args) {
    const [group, protocol, from, to, cidr] = requirePositionals(parseArgs(args, { options: {} }), [
      'secgroup',
      'ip-proto',
      'from-port',
      'to-port',
      'cidr',
    ]);
    await compute(cloud, '/os-security-group-rules');
    if (!/^-?\d+$/.test(from) || !/^-?\d+$/.test(to)) throw new ApiError(400, 'Invalid port range');
    addSecurityGroupRule(cloud, session, group, { protocol: protocol.toLowerCase(), fromPort: Number(from), toPort: Number(to), cidr });
    return ok(formatTable(RULE_COLUMNS, [[protocol.toLowerCase(), from, to, cidr, '']]));
  },
  async 'secgroup-list'(cloud, session) {
    await compute(cloud, '/os-security-groups');
    return ok(
      formatTable(
        ['Id', 'Name', 'Description'],
        cloud.nova.groupsOf(session.projectId!).map((g) => [g.id, g.name, g.description]),
      ),
    );
  },
  async 'secgroup-list-rules'(cloud, session, _ctx, args) {
    const [name] = requirePositionals(parseArgs(args, { options: {} }), ['secgroup']);
    await compute(cloud, '/os-security-groups');
    const group = cloud.nova.groupsOf(session.projectId!).find((g) => g.name === name || g.id === name);
    if (!group) throw new Error(`Secgroup ID or name '${name}' not found.`);
    return ok(
      formatTable(
        RULE_COLUMNS,
        group.rules.map((r) => [r.protocol, r.fromPort, r.toPort, r.cidr, '']),
      ),
    );
  },
  async boot(cloud, session, _ctx, args) {
    const parsed = parseArgs(args, {
      options: {
        '--flavor': 'value',
        '--image': 'value',
        '--nic': 'multi',
        '--security-group': 'multi',
        '--security-groups': 'multi',
        '--key-name': 'value',
        '--key_name': 'value',
        '--availability-zone': 'value',
        '--user-data': 'value',
        '--min-count': 'value',
        '--max-count': 'value',
        '--poll': 'flag',
        '--meta': 'multi',
      },
    });
    const [name] = requirePositionals(parsed, ['name']);
    const flavor = parsed.values.get('--flavor');
    const image = parsed.values.get('--image');
    if (!flavor) throw new UsageError('you need to specify a Flavor ID.');
    if (!image) throw new UsageError('you need to specify an Image ID or name');
    const networkIds = (parsed.multi.get('--nic') ?? []).map((nic) => {
      const netId = /(?:^|,)net-id=([^,]+)/.exec(nic)?.[1];
      if (!netId)
        throw new UsageError(
          `Invalid nic argument '${nic}'. Nic arguments must be of the form --nic <net-id=net-uuid,v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,port-id=port-uuid>, with at minimum net-id or port-id (but not both) specified.`,
        );
      return netId;
    });
    await compute(cloud, '/servers');
    const groups = [...(parsed.multi.get('--security-group') ?? []), ...(parsed.multi.get('--security-groups') ?? [])].flatMap((g) =>
      g.split(','),
    );
    const booted = await bootInstance(cloud, session, {
      name,
      flavor,
      image,
      networkIds,
      securityGroups: groups,
      keyName: parsed.values.get('--key-name') ?? parsed.values.get('--key_name'),
    });
    let polled = '';
    if (parsed.flags.has('--poll') && booted.instance.host) {
      booted.instance.timesListed++;
      polled = '\nServer building... 100% complete\nFinished\n';
    }
    const record = { ...instanceRecord(cloud, booted.instance, 'BUILD'), adminPass: randomPassword() };
    return ok(
      formatRecord(Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b))), ['Property', 'Value']) + polled,
    );
  },
  async list(cloud, session) {
    await compute(cloud, '/servers/detail');
    const rows = instancesOf(cloud, session).map((i) => {
      const status = cloud.instanceStatus(i);
      if (status !== 'ERROR') i.timesListed++;
      const [task, power] = status === 'BUILD' ? ['spawning', 'NOSTATE'] : status === 'ACTIVE' ? ['-', 'Running'] : ['-', 'NOSTATE'];
      return [i.id, i.name, status, task, power, networksCell(i)];
    });
    return ok(formatTable(['ID', 'Name', 'Status', 'Task State', 'Power State', 'Networks'], rows));
  },
  async show(cloud, session, _ctx, args) {
    const [nameOrId] = requirePositionals(parseArgs(args, { options: { '--minimal': 'flag' } }), ['server']);
    await compute(cloud, '/servers/detail');
    const instance = findInstance(cloud, session, nameOrId);
    return ok(formatRecord(instanceRecord(cloud, instance, cloud.instanceStatus(instance)), ['Property', 'Value']));
  },
  async delete(cloud, session, _ctx, args) {
    const names = parseArgs(args, { options: { '--all-tenants': 'flag' } }).positionals;
    if (names.length === 0) throw new UsageError('too few arguments');
    await compute(cloud, '/servers');
    const lines: string[] = [];
    for (const nameOrId of names) {
      const instance = findInstance(cloud, session, nameOrId);
      cloud.deleteInstance(instance);
      lines.push(`Request to delete server ${nameOrId} has been accepted.`);
    }
    return ok(`${lines.join('\n')}\n`);
  },
  async 'console-log'(cloud, session, _ctx, args) {
    const [nameOrId] = requirePositionals(parseArgs(args, { options: { '--length': 'value' } }), ['server']);
    await compute(cloud, '/servers/action');
    const instance = findInstance(cloud, session, nameOrId);
    if (cloud.instanceStatus(instance) !== 'ACTIVE') {
      throw new ApiError(
        409,
        `Instance ${instance.id} in vm_state ${cloud.instanceStatus(instance) === 'ERROR' ? 'error' : 'building'}. Cannot get_console_output while the instance is in this state.`,
      );
    }
    return ok(await consoleLog(cloud, instance));
  },
  async 'get-vnc-console'(cloud, session, _ctx, args) {
    const [nameOrId, type] = requirePositionals(parseArgs(args, { options: {} }), ['server', 'console-type']);
    if (type !== 'novnc' && type !== 'xvpvnc') throw new ApiError(400, 'Invalid console type specified.');
    await compute(cloud, '/servers/action');
    const instance = findInstance(cloud, session, nameOrId);
    const consoleauthUp = (await cloud.novaServices()).some((s) => s.binary === 'nova-consoleauth' && s.up);
    if (!consoleauthUp) throw new ApiError(500, 'The server has either erred or is incapable of performing the requested operation.');
    const computeHost = instance.host ? cloud.hostByAddress(instance.host) : undefined;
    const conf = computeHost && (await readIfExists(computeHost.fs, '/etc/nova/nova.conf'));
    // Nova's default when the compute node's nova.conf does not set it.
    const base = (conf && iniValue(parseIni(conf), 'vnc', 'novncproxy_base_url')) ?? 'http://127.0.0.1:6080/vnc_auto.html';
    return ok(formatTable(['Type', 'Url'], [[type, vncConsoleUrl(cloud, instance, base)]]));
  },
  async endpoints(cloud, session) {
    return ok(novaEndpoints(cloud, session));
  },
};

export function novaCommand(cloud: Cloud) {
  return async (argv: string[], ctx: CliContext): Promise<CliResult> => {
    let split;
    try {
      split = splitGlobals(argv);
    } catch (error) {
      return argparseFailure('nova', '', (error as Error).message);
    }
    const [subcommand, ...args] = split.rest;
    const handler = subcommand ? SUBCOMMANDS[subcommand] : undefined;
    if (!handler) return unknownSubcommand('nova', subcommand ?? '', Object.keys(SUBCOMMANDS));
    try {
      const session = await authenticate(cloud, ctx, settings(split.globals, ctx.env), { identity: false });
      return await handler(cloud, session, ctx, args);
    } catch (error) {
      if (error instanceof UsageError && /^(unrecognized|too few|argument)/.test(error.message)) {
        return argparseFailure('nova', subcommand, error.message);
      }
      return novaFailure(error);
    }
  };
}

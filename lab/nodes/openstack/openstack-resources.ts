/** `openstack host|image|flavor|network|server|security group …`: the catalog services behind Keystone. */
import { ApiError } from './api-errors.js';
import { requirePositionals } from './cli-args.js';
import { addSecurityGroupRule, instancesOf, networksCell, visibleImages } from './compute-api.js';
import { LIBERTY_FLAVORS } from './nova-state.js';
import type { OpenstackCommand } from './openstack-command.js';
import { callCatalogService } from './service-access.js';

export const RESOURCE_COMMANDS: OpenstackCommand[] = [
  {
    words: 'host list',
    options: { '--zone': 'value' },
    output: 'list',
    identity: false,
    async run(args, env) {
      await callCatalogService(env.cloud, 'compute', '/os-hosts');
      if (!env.session.isAdmin) throw new ApiError(403, "Policy doesn't allow compute_extension:hosts to be performed.");
      const zone = args.values.get('--zone');
      const rows = (await env.cloud.novaServices())
        .filter((s) => !zone || s.zone === zone)
        .map((s) => [s.host, s.binary.replace(/^nova-/, ''), s.zone]);
      return { kind: 'list', columns: ['Host Name', 'Service', 'Zone'], rows };
    },
  },
  {
    words: 'image list',
    options: { '--public': 'flag', '--private': 'flag', '--long': 'flag' },
    output: 'list',
    identity: false,
    async run(args, env) {
      await callCatalogService(env.cloud, 'image', '/v2/images');
      const images = visibleImages(env.cloud, env.session);
      if (args.flags.has('--long')) {
        return {
          kind: 'list',
          columns: ['ID', 'Name', 'Disk Format', 'Container Format', 'Size', 'Status', 'Visibility', 'Protected', 'Project', 'Properties'],
          rows: images.map((i) => [
            i.id,
            i.name,
            i.diskFormat,
            i.containerFormat,
            i.size,
            i.status,
            i.visibility,
            false,
            i.ownerProjectId,
            '',
          ]),
        };
      }
      return { kind: 'list', columns: ['ID', 'Name', 'Status'], rows: images.map((i) => [i.id, i.name, i.status]) };
    },
  },
  {
    words: 'image show',
    options: { '--human-readable': 'flag' },
    output: 'record',
    identity: false,
    async run(args, env) {
      const [nameOrId] = requirePositionals(args, ['image']);
      await callCatalogService(env.cloud, 'image', `/v2/images/${nameOrId}`);
      const visible = visibleImages(env.cloud, env.session);
      const named = visible.filter((i) => i.name === nameOrId);
      if (named.length > 1) throw new Error(`More than one image exists with the name '${nameOrId}'.`);
      const image = visible.find((i) => i.id === nameOrId) ?? named[0];
      if (!image) throw new Error(`Could not find resource ${nameOrId}`);
      return {
        kind: 'record',
        record: {
          checksum: image.checksum,
          container_format: image.containerFormat,
          disk_format: image.diskFormat,
          id: image.id,
          name: image.name,
          owner: image.ownerProjectId ?? '',
          protected: 'False',
          size: image.size,
          status: image.status,
          visibility: image.visibility,
        },
      };
    },
  },
  {
    words: 'flavor list',
    options: { '--all': 'flag', '--public': 'flag', '--private': 'flag', '--long': 'flag' },
    output: 'list',
    identity: false,
    async run(_args, env) {
      await callCatalogService(env.cloud, 'compute', '/flavors/detail');
      const rows = LIBERTY_FLAVORS.map((f) => [f.id, f.name, f.memoryMb, f.diskGb, f.ephemeralGb, f.vcpus, f.isPublic]);
      return { kind: 'list', columns: ['ID', 'Name', 'RAM', 'Disk', 'Ephemeral', 'VCPUs', 'Is Public'], rows };
    },
  },
  {
    words: 'network list',
    options: { '--external': 'flag', '--long': 'flag' },
    output: 'list',
    identity: false,
    async run(_args, env) {
      await callCatalogService(env.cloud, 'network', '/v2.0/networks.json');
      const rows = [...env.cloud.neutron.networks.values()]
        .filter((n) => n.shared || env.session.isAdmin || n.tenantId === env.session.projectId)
        .map((n) => [n.id, n.name, n.subnetIds.join(', ')]);
      return { kind: 'list', columns: ['ID', 'Name', 'Subnets'], rows };
    },
  },
  {
    words: 'server list',
    options: { '--all-projects': 'flag', '--long': 'flag', '--name': 'value' },
    output: 'list',
    identity: false,
    async run(_args, env) {
      await callCatalogService(env.cloud, 'compute', '/servers/detail');
      const rows = instancesOf(env.cloud, env.session).map((i) => {
        const status = env.cloud.instanceStatus(i);
        if (status !== 'ERROR') i.timesListed++;
        return [i.id, i.name, status, networksCell(i)];
      });
      return { kind: 'list', columns: ['ID', 'Name', 'Status', 'Networks'], rows };
    },
  },
  {
    words: 'security group rule create',
    options: { '--proto': 'value', '--src-ip': 'value', '--dst-port': 'value' },
    output: 'record',
    identity: false,
    async run(args, env) {
      await callCatalogService(env.cloud, 'compute', '/os-security-group-rules');
      const [group] = requirePositionals(args, ['group']);
      const protocol = args.values.get('--proto') ?? 'tcp';
      const [from, to] = (args.values.get('--dst-port') ?? (protocol === 'icmp' ? '-1' : '0')).split(':');
      const fromPort = Number(from);
      const toPort = Number(to ?? from);
      const cidr = args.values.get('--src-ip') ?? '0.0.0.0/0';
      const { rule, groupId } = addSecurityGroupRule(env.cloud, env.session, group, { protocol, fromPort, toPort, cidr });
      return {
        kind: 'record',
        record: {
          id: rule.id,
          ip_protocol: protocol,
          ip_range: cidr,
          parent_group_id: groupId,
          port_range: protocol === 'icmp' ? '' : `${fromPort}:${toPort}`,
          remote_security_group: '',
        },
      };
    },
  },
];

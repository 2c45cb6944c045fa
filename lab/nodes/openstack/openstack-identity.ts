/** `openstack project|user|role|service|endpoint|token …` against Keystone v3. */
import { ApiError, NotFoundByName } from './api-errors.js';
import { requireOption, requirePositionals, UsageError } from './cli-args.js';
import type { Cell } from './table-format.js';
import type { EndpointInterface, Project, User } from './keystone-state.js';
import type { OpenstackCommand, OpenstackCommandEnv } from './openstack-command.js';
import { keystoneTimestamp } from './ids.js';

const DOMAINS: Record<string, string> = { default: 'default', Default: 'default' };

function domainOf(nameOrId: string | undefined): string {
  if (nameOrId === undefined) return 'default';
  const domain = DOMAINS[nameOrId];
  if (!domain) throw new NotFoundByName('domain', nameOrId);
  return domain;
}

function requireAdmin(env: OpenstackCommandEnv, action: string): void {
  if (!env.session.isAdmin) {
    throw new ApiError(403, `You are not authorized to perform the requested action: ${action}`);
  }
}

const projectRecord = (p: Project): Record<string, Cell> => ({
  description: p.description,
  domain_id: p.domainId,
  enabled: p.enabled ? 'True' : 'False',
  id: p.id,
  is_domain: 'False',
  name: p.name,
  parent_id: 'None',
});

const userRecord = (u: User): Record<string, Cell> => ({
  domain_id: u.domainId,
  ...(u.email ? { email: u.email } : {}),
  enabled: u.enabled ? 'True' : 'False',
  id: u.id,
  name: u.name,
});

/** `--password-prompt` reads the password twice from the terminal (here: stdin). */
function promptedPassword(stdin: string): string {
  const [first, second] = stdin.split('\n');
  if (!first) throw new ApiError(400, 'No password was supplied, authentication will fail when a user does not have a password.');
  if (first !== second) throw new UsageError('The passwords entered were not the same');
  return first;
}

export const IDENTITY_COMMANDS: OpenstackCommand[] = [
  {
    words: 'project create',
    options: {
      '--domain': 'value',
      '--description': 'value',
      '--enable': 'flag',
      '--disable': 'flag',
      '--or-show': 'flag',
      '--parent': 'value',
      '--property': 'multi',
    },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_project');
      const [name] = requirePositionals(args, ['project-name']);
      const ks = env.cloud.keystone;
      const existing = [...ks.projects.values()].find((p) => p.name === name);
      if (existing && args.flags.has('--or-show')) return { kind: 'record', record: projectRecord(existing) };
      const project = ks.createProject(name, domainOf(args.values.get('--domain')), args.values.get('--description') ?? '');
      if (args.flags.has('--disable')) project.enabled = false;
      return { kind: 'record', record: projectRecord(project) };
    },
  },
  {
    words: 'project list',
    options: { '--domain': 'value', '--user': 'value', '--long': 'flag' },
    output: 'list',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:list_projects');
      const projects = env.cloud.keystone.list(env.cloud.keystone.projects);
      if (args.flags.has('--long')) {
        return {
          kind: 'list',
          columns: ['ID', 'Name', 'Domain ID', 'Description', 'Enabled'],
          rows: projects.map((p) => [p.id, p.name, p.domainId, p.description, p.enabled]),
        };
      }
      return { kind: 'list', columns: ['ID', 'Name'], rows: projects.map((p) => [p.id, p.name]) };
    },
  },
  {
    words: 'project show',
    options: { '--domain': 'value' },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:get_project');
      const [nameOrId] = requirePositionals(args, ['project']);
      return { kind: 'record', record: projectRecord(env.cloud.keystone.find(env.cloud.keystone.projects, 'project', nameOrId)) };
    },
  },
  {
    words: 'user create',
    options: {
      '--domain': 'value',
      '--password': 'value',
      '--password-prompt': 'flag',
      '--email': 'value',
      '--project': 'value',
      '--description': 'value',
      '--enable': 'flag',
      '--disable': 'flag',
      '--or-show': 'flag',
    },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_user');
      const [name] = requirePositionals(args, ['name']);
      const ks = env.cloud.keystone;
      const existing = [...ks.users.values()].find((u) => u.name === name);
      if (existing && args.flags.has('--or-show')) return { kind: 'record', record: userRecord(existing) };
      const password = args.flags.has('--password-prompt') ? promptedPassword(env.ctx.stdin) : args.values.get('--password');
      const user = ks.createUser(name, domainOf(args.values.get('--domain')), password, args.values.get('--email'));
      if (args.flags.has('--disable')) user.enabled = false;
      return { kind: 'record', record: userRecord(user) };
    },
  },
  {
    words: 'user list',
    options: { '--domain': 'value', '--project': 'value', '--long': 'flag' },
    output: 'list',
    identity: true,
    async run(_args, env) {
      requireAdmin(env, 'identity:list_users');
      return { kind: 'list', columns: ['ID', 'Name'], rows: env.cloud.keystone.list(env.cloud.keystone.users).map((u) => [u.id, u.name]) };
    },
  },
  {
    words: 'user show',
    options: { '--domain': 'value' },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:get_user');
      const [nameOrId] = requirePositionals(args, ['user']);
      return { kind: 'record', record: userRecord(env.cloud.keystone.find(env.cloud.keystone.users, 'user', nameOrId)) };
    },
  },
  {
    words: 'user set',
    options: {
      '--domain': 'value',
      '--password': 'value',
      '--password-prompt': 'flag',
      '--email': 'value',
      '--project': 'value',
      '--description': 'value',
      '--name': 'value',
      '--enable': 'flag',
      '--disable': 'flag',
    },
    output: 'none',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:update_user');
      const [nameOrId] = requirePositionals(args, ['user']);
      const user = env.cloud.keystone.find(env.cloud.keystone.users, 'user', nameOrId);
      if (args.flags.has('--password-prompt')) user.password = promptedPassword(env.ctx.stdin);
      else if (args.values.has('--password')) user.password = args.values.get('--password');
      if (args.values.has('--email')) user.email = args.values.get('--email');
      if (args.values.has('--name')) user.name = args.values.get('--name')!;
      if (args.flags.has('--disable')) user.enabled = false;
      if (args.flags.has('--enable')) user.enabled = true;
      return { kind: 'none' };
    },
  },
  {
    words: 'role create',
    options: { '--or-show': 'flag', '--domain': 'value' },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_role');
      const [name] = requirePositionals(args, ['role-name']);
      const ks = env.cloud.keystone;
      const existing = [...ks.roles.values()].find((r) => r.name === name);
      const role = existing && args.flags.has('--or-show') ? existing : ks.createRole(name);
      return { kind: 'record', record: { id: role.id, name: role.name } };
    },
  },
  {
    words: 'role list',
    options: { '--user': 'value', '--project': 'value', '--domain': 'value', '--user-domain': 'value', '--project-domain': 'value' },
    output: 'list',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:list_roles');
      const ks = env.cloud.keystone;
      const userArg = args.values.get('--user');
      const projectArg = args.values.get('--project');
      if (!userArg && !projectArg) return { kind: 'list', columns: ['ID', 'Name'], rows: ks.list(ks.roles).map((r) => [r.id, r.name]) };
      // With --user/--project, Liberty's v3 `role list` lists that user's assignments on the project.
      if (!userArg || !projectArg) throw new UsageError('Must specify either a domain or project with --user');
      const user = ks.find(ks.users, 'user', userArg);
      const project = ks.find(ks.projects, 'project', projectArg);
      const rows = ks.rolesOf(user.id, project.id).map((r) => [r.id, r.name, project.name, user.name]);
      return { kind: 'list', columns: ['ID', 'Name', 'Project', 'User'], rows };
    },
  },
  {
    words: 'role add',
    options: {
      '--project': 'value',
      '--user': 'value',
      '--domain': 'value',
      '--group': 'value',
      '--user-domain': 'value',
      '--project-domain': 'value',
      '--inherited': 'flag',
    },
    output: 'none',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_grant');
      const [roleName] = requirePositionals(args, ['role']);
      const ks = env.cloud.keystone;
      const role = ks.find(ks.roles, 'role', roleName);
      const user = ks.find(ks.users, 'user', requireOption(args, '--user'));
      const project = ks.find(ks.projects, 'project', requireOption(args, '--project'));
      ks.grant(user.id, project.id, role.id);
      return { kind: 'none' };
    },
  },
  {
    words: 'user role list',
    options: { '--project': 'value', '--domain': 'value' },
    output: 'list',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:list_role_assignments');
      const ks = env.cloud.keystone;
      const userArg = args.positionals[0];
      const projectArg = args.values.get('--project');
      const user = userArg ? ks.find(ks.users, 'user', userArg) : undefined;
      const project = projectArg ? ks.find(ks.projects, 'project', projectArg) : undefined;
      const rows = ks.assignments
        .filter((a) => (!user || a.userId === user.id) && (!project || a.projectId === project.id))
        .map((a) => [a.roleId, ks.roles.get(a.roleId)?.name, ks.projects.get(a.projectId)?.name, ks.users.get(a.userId)?.name]);
      return { kind: 'list', columns: ['ID', 'Name', 'Project', 'User'], rows };
    },
  },
  {
    words: 'service create',
    options: { '--name': 'value', '--description': 'value', '--enable': 'flag', '--disable': 'flag' },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_service');
      const [type] = requirePositionals(args, ['type']);
      const service = env.cloud.keystone.createService(args.values.get('--name') ?? '', type, args.values.get('--description') ?? '');
      return {
        kind: 'record',
        record: { description: service.description, enabled: 'True', id: service.id, name: service.name, type: service.type },
      };
    },
  },
  {
    words: 'service list',
    options: { '--long': 'flag' },
    output: 'list',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:list_services');
      const services = env.cloud.keystone.list(env.cloud.keystone.services);
      if (args.flags.has('--long')) {
        return {
          kind: 'list',
          columns: ['ID', 'Name', 'Type', 'Description', 'Enabled'],
          rows: services.map((s) => [s.id, s.name, s.type, s.description, s.enabled]),
        };
      }
      return { kind: 'list', columns: ['ID', 'Name', 'Type'], rows: services.map((s) => [s.id, s.name, s.type]) };
    },
  },
  {
    words: 'endpoint create',
    options: { '--region': 'value', '--enable': 'flag', '--disable': 'flag' },
    output: 'record',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:create_endpoint');
      const [serviceArg, iface, url] = requirePositionals(args, ['service', 'interface', 'url']);
      if (!['public', 'internal', 'admin'].includes(iface)) {
        throw new UsageError(`argument <interface>: invalid choice: '${iface}' (choose from 'admin', 'public', 'internal')`);
      }
      const ks = env.cloud.keystone;
      const service = ks.findService(serviceArg);
      const region = args.values.get('--region') ?? '';
      const endpoint = ks.createEndpoint(service.id, region, iface as EndpointInterface, url);
      return {
        kind: 'record',
        record: {
          enabled: 'True',
          id: endpoint.id,
          interface: iface,
          region,
          region_id: region,
          service_id: service.id,
          service_name: service.name,
          service_type: service.type,
          url,
        },
      };
    },
  },
  {
    words: 'endpoint list',
    options: { '--service': 'value', '--interface': 'value', '--region': 'value' },
    output: 'list',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:list_endpoints');
      const ks = env.cloud.keystone;
      const serviceFilter = args.values.get('--service');
      const serviceId = serviceFilter ? ks.findService(serviceFilter).id : undefined;
      const rows = ks
        .list(ks.endpoints)
        .filter(
          (e) =>
            (!serviceId || e.serviceId === serviceId) &&
            (!args.values.get('--interface') || e.interface === args.values.get('--interface')) &&
            (!args.values.get('--region') || e.region === args.values.get('--region')),
        )
        .map((e) => {
          const service = ks.services.get(e.serviceId);
          return [e.id, e.region, service?.name, service?.type, e.enabled, e.interface, e.url];
        });
      return { kind: 'list', columns: ['ID', 'Region', 'Service Name', 'Service Type', 'Enabled', 'Interface', 'URL'], rows };
    },
  },
  {
    words: 'endpoint delete',
    options: {},
    output: 'none',
    identity: true,
    async run(args, env) {
      requireAdmin(env, 'identity:delete_endpoint');
      const [id] = requirePositionals(args, ['endpoint-id']);
      if (!env.cloud.keystone.deleteEndpoint(id)) throw new NotFoundByName('endpoint', id);
      return { kind: 'none' };
    },
  },
  {
    words: 'token issue',
    options: {},
    output: 'record',
    identity: true,
    tokenIssue: true,
    async run(args, env) {
      requirePositionals(args, []);
      const token = env.cloud.keystone.tokens.get(env.session.tokenId);
      if (!token) throw new ApiError(400, 'Token issue is not supported with admin token (OS_TOKEN); use password authentication');
      return {
        kind: 'record',
        record: { expires: keystoneTimestamp(token.expires), id: token.id, project_id: token.projectId, user_id: token.userId },
      };
    },
  },
];

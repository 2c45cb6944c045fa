/**
 * The credentials one OpenStack service uses to reach another, read from its config the way
 * oslo.config and the client libraries would: Keystone passwords ([keystone_authtoken] of every
 * API, Nova's [neutron], Neutron's [nova], the metadata agent's), database connections, and
 * whether the service's own user can read its config file at all.
 */
import type { Cloud } from './cloud.js';
import { type CloudHost, readIfExists } from './host-port.js';
import { type IniSections, iniValue, parseDatabaseUrl, parseIni } from './ini-file.js';
import { reachService } from './service-access.js';

/** Why `[section]` of `configPath` on `host` does not get a Keystone token, or undefined when it does. */
export async function keystoneCredentialsProblem(
  cloud: Cloud,
  host: CloudHost,
  configPath: string,
  section: string,
): Promise<string | undefined> {
  const text = await readIfExists(host.fs, configPath);
  if (text === undefined) return `${configPath} is missing`;
  return keystoneCredentialsOf(cloud, parseIni(text), section, configPath);
}

export async function keystoneCredentialsOf(cloud: Cloud, ini: IniSections, section: string, where: string): Promise<string | undefined> {
  const value = (key: string) => iniValue(ini, section, key);
  const authUrl = value('auth_url') ?? value('identity_uri') ?? value('auth_uri');
  const username = value('username') ?? value('admin_user');
  const password = value('password') ?? value('admin_password');
  if (!authUrl || !username || password === undefined) return `[${section}] of ${where} names no auth_url, username and password`;
  try {
    await reachService(cloud, authUrl, '/v3/auth/tokens');
  } catch {
    return `[${section}] of ${where}: Keystone does not answer at ${authUrl}`;
  }
  const ks = cloud.keystone;
  const userDomain = value('user_domain_id') ?? 'default';
  const user = [...ks.users.values()].find((u) => u.name === username && u.domainId === userDomain);
  if (!user?.enabled || user.password !== password) return `[${section}] of ${where}: Keystone refuses ${username} (HTTP 401)`;
  const projectName = value('project_name') ?? value('admin_tenant_name');
  if (projectName) {
    const project = [...ks.projects.values()].find((p) => p.name === projectName);
    if (!project || ks.rolesOf(user.id, project.id).length === 0)
      return `[${section}] of ${where}: ${username} has no role in project ${projectName} (HTTP 401)`;
  }
  return undefined;
}

/** Why the `[database] connection` of `configPath` does not log in to its database, or undefined when it does. */
export async function databaseCredentialsProblem(cloud: Cloud, host: CloudHost, configPath: string): Promise<string | undefined> {
  const text = await readIfExists(host.fs, configPath);
  const connection = text && iniValue(parseIni(text), 'database', 'connection');
  const db = connection && parseDatabaseUrl(connection);
  if (!db) return `${configPath} has no usable [database] connection`;
  const local = db.host === 'localhost' || db.host === '127.0.0.1';
  const server = local ? host : cloud.hostByAddress(db.host);
  if (!server?.isActive('mariadb')) return `${configPath}: cannot connect to MySQL server on '${db.host}'`;
  if (!server.mysql.canLogin(db.user, db.password, db.database)) {
    return `${configPath}: (1045, "Access denied for user '${db.user}'@'${local ? 'localhost' : host.name}' (using password: YES)")`;
  }
  return undefined;
}

/** Group memberships of a user as /etc/group lists them (its own group included). */
async function groupsOf(host: CloudHost, user: string): Promise<Set<string>> {
  const text = (await readIfExists(host.fs, '/etc/group')) ?? '';
  const groups = new Set<string>([user]);
  for (const line of text.split('\n')) {
    const [name = '', , , members = ''] = line.split(':');
    if (members.split(',').includes(user)) groups.add(name);
  }
  return groups;
}

/**
 * Can `user` read `path`? The in-memory filesystem keeps modes, the host its owners: owner bits for
 * the owner, group bits for members of the file's group, other bits for everyone else; root reads all.
 */
export async function readableBy(host: CloudHost, path: string, user: string): Promise<boolean> {
  if (user === 'root') return true;
  if (!(await host.fs.exists(path))) return false;
  const { mode } = await host.fs.stat(path);
  const [owner = 'root', group = 'root'] = (host.owners.get(path) ?? 'root:root').split(':');
  if (owner === user) return (mode & 0o400) !== 0;
  if ((await groupsOf(host, user)).has(group)) return (mode & 0o040) !== 0;
  return (mode & 0o004) !== 0;
}

/** oslo.config's error when a service cannot read one of its config files, or undefined. */
export async function unreadableConfig(host: CloudHost, user: string, paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    if ((await host.fs.exists(path)) && !(await readableBy(host, path, user))) {
      return `oslo_config.cfg.ConfigFilesPermissionDeniedError: Failed to open some config files: ${path}`;
    }
  }
  return undefined;
}

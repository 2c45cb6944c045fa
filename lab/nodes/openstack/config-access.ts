/**
 * What a service needs from its own config file before it talks to anyone: that its user can
 * read the file, and that the `[database] connection` logs in. (Its Keystone credentials are
 * checked in service-access.ts, which answers the calls they are used for.)
 */
import { type CloudHost, readIfExists } from './host-port.js';
import { iniValue, parseDatabaseUrl, parseIni } from './ini-file.js';

/** Finds the node behind an address of a connection string (the cloud does). */
export interface HostDirectory {
  hostByAddress(address: string): CloudHost | undefined;
}

/** Why the `[database] connection` of `configPath` does not log in to its database, or undefined when it does. */
export async function databaseCredentialsProblem(cloud: HostDirectory, host: CloudHost, configPath: string): Promise<string | undefined> {
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

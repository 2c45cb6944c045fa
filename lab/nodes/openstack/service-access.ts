/**
 * What a client goes through before its API call succeeds: a TCP connection to the
 * service's URL (the node runs the unit that listens there), a configured service with
 * its database synced, and for Keystone a valid admin token or password.
 */
import { ConnectionRefused, serverError, unauthorized } from './api-errors.js';
import type { Cloud } from './cloud.js';
import type { CloudHost } from './host-port.js';
import { readIfExists } from './host-port.js';
import { type IniSections, iniValue, parseDatabaseUrl, parseIni } from './ini-file.js';
import type { EndpointInterface } from './keystone-state.js';
import { databaseCredentialsProblem, unreadableConfig } from './config-access.js';

export const KEYSTONE_CONF = '/etc/keystone/keystone.conf';
export const WSGI_KEYSTONE_CONF = '/etc/httpd/conf.d/wsgi-keystone.conf';
export const KEYSTONE_LOG = '/var/log/keystone/keystone.log';

/**
 * Which unit answers on a port, the config naming its database, and the user it runs as (and so
 * reads that config as). Every API but Keystone's validates tokens with its [keystone_authtoken] account.
 */
const LISTENERS: Record<number, { unit: string; config: string; user: string; authtoken: boolean }> = {
  5000: { unit: 'httpd', config: KEYSTONE_CONF, user: 'keystone', authtoken: false },
  35357: { unit: 'httpd', config: KEYSTONE_CONF, user: 'keystone', authtoken: false },
  9292: { unit: 'openstack-glance-api', config: '/etc/glance/glance-api.conf', user: 'glance', authtoken: true },
  8774: { unit: 'openstack-nova-api', config: '/etc/nova/nova.conf', user: 'nova', authtoken: true },
  9696: { unit: 'neutron-server', config: '/etc/neutron/neutron.conf', user: 'neutron', authtoken: true },
};

export interface ServiceUrl {
  address: string;
  port: number;
  path: string;
}

export function parseServiceUrl(url: string): ServiceUrl | undefined {
  const match = /^https?:\/\/([^:/]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (!match) return undefined;
  return { address: match[1], port: match[2] ? Number(match[2]) : 80, path: match[3] ?? '' };
}

/** Is the database named by the config's `[database] connection` synced? */
export async function configDatabaseSynced(cloud: Cloud, host: CloudHost, configPath: string): Promise<boolean> {
  const text = await readIfExists(host.fs, configPath);
  const connection = text && iniValue(parseIni(text), 'database', 'connection');
  const db = connection && parseDatabaseUrl(connection);
  if (!db) return false;
  const server = db.host === 'localhost' || db.host === '127.0.0.1' ? host : cloud.hostByAddress(db.host);
  return server !== undefined && cloud.isSynced(server.managementIp, db.database);
}

async function keystoneListens(host: CloudHost, port: number): Promise<boolean> {
  const vhosts = await readIfExists(host.fs, WSGI_KEYSTONE_CONF);
  return vhosts !== undefined && new RegExp(`^\\s*Listen\\s+(\\S+:)?${port}\\s*$`, 'm').test(vhosts);
}

/** Keystone runs as `keystone` under httpd: a log file root created (db_sync run as root) makes every request fail. */
async function keystoneCanLog(host: CloudHost): Promise<boolean> {
  if (!(await host.fs.exists(KEYSTONE_LOG))) return true;
  return (host.owners.get(KEYSTONE_LOG) ?? 'root:root').startsWith('keystone:');
}

/**
 * Opens the "connection" a client makes to `url`: the node behind it must run the unit listening
 * on that port; the service must read its config as its own user, log in to its synced database
 * with the config's password (500 otherwise), and, for every API but Keystone's, get a token with
 * its [keystone_authtoken] account to validate the caller's (401 otherwise). Returns the node.
 */
export async function reachService(cloud: Cloud, url: string, requestPath: string): Promise<CloudHost> {
  const parsed = parseServiceUrl(url);
  const host = parsed && cloud.hostByAddress(parsed.address);
  const listener = parsed && LISTENERS[parsed.port];
  const fullUrl = `${url.replace(/\/$/, '')}${requestPath}`;
  if (!parsed || !host || !listener || !host.isActive(listener.unit)) throw new ConnectionRefused(fullUrl);
  if (listener.unit === 'httpd' && !(await keystoneListens(host, parsed.port))) throw new ConnectionRefused(fullUrl);
  if (listener.unit === 'httpd' && !(await keystoneCanLog(host))) throw serverError();
  if (await unreadableConfig(host, listener.user, [listener.config])) throw serverError();
  if (await databaseCredentialsProblem(cloud, host, listener.config)) throw serverError();
  if (!(await configDatabaseSynced(cloud, host, listener.config))) throw serverError();
  if (listener.authtoken && (await keystoneCredentialsProblem(cloud, host, listener.config, 'keystone_authtoken'))) throw unauthorized();
  return host;
}

export interface Session {
  viaAdminToken: boolean;
  userId: string | undefined;
  projectId: string | undefined;
  isAdmin: boolean;
  tokenId: string;
}

/** The admin_token bootstrap: the token must be the one in keystone.conf on the node serving OS_URL. */
export async function adminTokenSession(cloud: Cloud, url: string, token: string): Promise<Session> {
  const host = await reachService(cloud, url, '');
  const conf = await readIfExists(host.fs, KEYSTONE_CONF);
  const adminToken = conf && iniValue(parseIni(conf), 'DEFAULT', 'admin_token');
  if (!adminToken || adminToken !== token) throw unauthorized();
  return { viaAdminToken: true, userId: undefined, projectId: undefined, isAdmin: true, tokenId: token };
}

export interface PasswordCredentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string | undefined;
  userDomain: string;
  projectDomain: string;
}

/** With the memcache token driver, tokens vanish when memcached is not running: every later call is a 401. */
async function tokensPersist(host: CloudHost): Promise<boolean> {
  const conf = await readIfExists(host.fs, KEYSTONE_CONF);
  if (!conf) return true;
  const ini = parseIni(conf);
  if (!/memcache/.test(iniValue(ini, 'token', 'driver') ?? '')) return true;
  return host.isActive('memcached');
}

export async function passwordSession(
  cloud: Cloud,
  credentials: PasswordCredentials,
  options: { validateAfterIssue: boolean },
): Promise<Session> {
  const host = await reachService(cloud, credentials.authUrl, '/auth/tokens');
  const ks = cloud.keystone;
  const user = [...ks.users.values()].find((u) => u.name === credentials.username && u.domainId === credentials.userDomain);
  if (!user?.enabled || user.password === undefined || user.password !== credentials.password) {
    throw unauthorized();
  }
  const project = credentials.projectName
    ? [...ks.projects.values()].find((p) => p.name === credentials.projectName && p.domainId === credentials.projectDomain)
    : undefined;
  if (credentials.projectName && (!project || ks.rolesOf(user.id, project.id).length === 0)) throw unauthorized();
  if (options.validateAfterIssue && !(await tokensPersist(host))) throw unauthorized();
  const token = ks.issueToken(user.id, project?.id, cloud.now());
  const isAdmin = project !== undefined && ks.rolesOf(user.id, project.id).some((r) => r.name === 'admin');
  return { viaAdminToken: false, userId: user.id, projectId: project?.id, isAdmin, tokenId: token.id };
}

export class EndpointNotFound extends Error {
  constructor(
    readonly serviceType: string,
    readonly iface: EndpointInterface,
  ) {
    super(`${iface} endpoint for ${serviceType} service not found`);
  }
}

/** The catalog lookup a client does, then the call to the endpoint found; returns its URL and the node serving it. */
export async function callCatalogService(
  cloud: Cloud,
  serviceType: string,
  requestPath: string,
  iface: EndpointInterface = 'public',
): Promise<{ url: string; host: CloudHost }> {
  const endpoint = cloud.keystone.endpointFor(serviceType, iface);
  if (!endpoint) throw new EndpointNotFound(serviceType, iface);
  const host = await reachService(cloud, endpoint.url, requestPath);
  return { url: endpoint.url, host };
}

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

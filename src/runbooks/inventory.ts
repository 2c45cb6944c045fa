import type { Inventory, NetworkSettings, NodeRole } from './model.js';
import { cidrContains, ipv4ToNumber, isIpv4, parseCidr } from './net/ipv4.js';

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const INTERFACE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$/;
const TIMEZONE = /^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ROLES: NodeRole[] = ['controller', 'compute'];
const REPOSITORY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A repository or key URL as yum reads it: one token, no quotes or shell characters; yum's $basearch/$releasever allowed. */
const REPOSITORY_URL = /^(https?|ftp|file):\/\/[A-Za-z0-9._~:/?=&%$+,@-]+$/;
const IMAGE_CHECKSUM = /^(md5:[0-9a-f]{32}|sha256:[0-9a-f]{64})$/;

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
export function isHostname(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && value.split('.').every((label) => HOST_LABEL.test(label));
}

const show = (value: unknown) => JSON.stringify(value);

/** Every problem with the inventory, each naming the field, e.g. `nodes[1].managementIp: "300.1.1.1" is not an IPv4 address`. */
export function validateInventory(inventory: Inventory): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push(`${field}: ${message}`);
  };
  const ipv4 = (value: unknown, field: string) => check(isIpv4(value), field, `${show(value)} is not an IPv4 address`);

  if (!inventory || typeof inventory !== 'object') return ['inventory: must be an object'];
  check(
    typeof inventory.environment === 'string' && NAME.test(inventory.environment),
    'environment',
    `${show(inventory.environment)} is not a valid environment name`,
  );

  const nodes = Array.isArray(inventory.nodes) ? inventory.nodes : [];
  check(Array.isArray(inventory.nodes), 'nodes', 'must be a list of nodes');
  nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    check(isHostname(node.name), `${at}.name`, `${show(node.name)} is not a valid host name (RFC 1123)`);
    ipv4(node.managementIp, `${at}.managementIp`);
    check(
      typeof node.providerInterface === 'string' && INTERFACE_NAME.test(node.providerInterface),
      `${at}.providerInterface`,
      `${show(node.providerInterface)} is not a valid interface name`,
    );
    const roles = Array.isArray(node.roles) ? node.roles : [];
    check(roles.length > 0, `${at}.roles`, 'must name at least one role (controller, compute)');
    for (const [r, role] of roles.entries())
      check(ROLES.includes(role), `${at}.roles[${r}]`, `${show(role)} is not a role (controller, compute)`);
    const ssh = node.ssh ?? ({} as Inventory['nodes'][number]['ssh']);
    check(isHostname(ssh.host) || isIpv4(ssh.host), `${at}.ssh.host`, `${show(ssh.host)} is not a host name or IPv4 address`);
    check(
      Number.isInteger(ssh.port) && ssh.port >= 1 && ssh.port <= 65535,
      `${at}.ssh.port`,
      `${show(ssh.port)} is not a TCP port (1-65535)`,
    );
    check(
      typeof ssh.user === 'string' && /^[a-z_][a-z0-9_-]*$/.test(ssh.user),
      `${at}.ssh.user`,
      `${show(ssh.user)} is not a valid user name`,
    );
  });

  const controllers = nodes.filter((n) => n.roles?.includes('controller'));
  check(controllers.length === 1, 'nodes', `exactly one node must have role controller (found ${controllers.length})`);
  check(
    nodes.some((n) => n.roles?.includes('compute')),
    'nodes',
    'at least one node must have role compute',
  );
  for (const i of duplicates(nodes.map((n) => n.name?.toLowerCase())))
    problems.push(`nodes[${i}].name: ${show(nodes[i].name)} is used by another node`);
  for (const i of duplicates(nodes.map((n) => n.managementIp))) {
    problems.push(`nodes[${i}].managementIp: ${show(nodes[i].managementIp)} is used by another node`);
  }

  const network = inventory.network;
  if (!network || typeof network !== 'object') {
    problems.push('network: is missing');
    return problems;
  }
  const management = parseCidr(network.managementCidr);
  check(management !== undefined, 'network.managementCidr', `${show(network.managementCidr)} is not a CIDR (a.b.c.d/n with no host bits)`);
  if (management) {
    nodes.forEach((node, i) => {
      if (isIpv4(node.managementIp))
        check(
          cidrContains(management, node.managementIp),
          `nodes[${i}].managementIp`,
          `${node.managementIp} is outside network.managementCidr ${network.managementCidr}`,
        );
    });
  }
  check(
    typeof network.timezone === 'string' && TIMEZONE.test(network.timezone),
    'network.timezone',
    `${show(network.timezone)} is not a time zone name like Asia/Shanghai`,
  );
  check(Array.isArray(network.ntpServers) && network.ntpServers.length > 0, 'network.ntpServers', 'must list at least one NTP server');
  for (const [i, server] of (Array.isArray(network.ntpServers) ? network.ntpServers : []).entries()) {
    check(isHostname(server) || isIpv4(server), `network.ntpServers[${i}]`, `${show(server)} is not a host name or IPv4 address`);
  }
  check(
    typeof network.region === 'string' && NAME.test(network.region),
    'network.region',
    `${show(network.region)} is not a valid region name`,
  );
  check(
    typeof network.imageUrl === 'string' && /^https?:\/\/[^\s'"]+$/.test(network.imageUrl),
    'network.imageUrl',
    `${show(network.imageUrl)} is not an http(s) URL`,
  );
  if (network.imageChecksum !== undefined)
    check(
      typeof network.imageChecksum === 'string' && IMAGE_CHECKSUM.test(network.imageChecksum),
      'network.imageChecksum',
      `${show(network.imageChecksum)} is not md5:<32 hex digits> or sha256:<64 hex digits>`,
    );
  problems.push(...validateRepositories(network.repositories));
  problems.push(...validateProvider(network.provider));
  const pool = network.provider;
  if (pool && isIpv4(pool.allocationStart) && isIpv4(pool.allocationEnd)) {
    const [start, end] = [ipv4ToNumber(pool.allocationStart), ipv4ToNumber(pool.allocationEnd)];
    nodes.forEach((node, i) => {
      if (isIpv4(node.managementIp) && ipv4ToNumber(node.managementIp) >= start && ipv4ToNumber(node.managementIp) <= end) {
        problems.push(
          `nodes[${i}].managementIp: ${node.managementIp} lies inside the provider allocation pool ${pool.allocationStart}-${pool.allocationEnd}; Neutron would hand it to an instance`,
        );
      }
    });
  }
  return problems;
}

function validateProvider(provider: Inventory['network']['provider']): string[] {
  const problems: string[] = [];
  const at = 'network.provider';
  if (!provider || typeof provider !== 'object') return [`${at}: is missing`];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push(`${at}.${field}: ${message}`);
  };
  check(typeof provider.name === 'string' && NAME.test(provider.name), 'name', `${show(provider.name)} is not a valid network name`);
  check(
    typeof provider.physicalNetwork === 'string' && NAME.test(provider.physicalNetwork),
    'physicalNetwork',
    `${show(provider.physicalNetwork)} is not a valid physical network name`,
  );
  const cidr = parseCidr(provider.cidr);
  check(cidr !== undefined, 'cidr', `${show(provider.cidr)} is not a CIDR (a.b.c.d/n with no host bits)`);
  for (const field of ['gateway', 'dns', 'allocationStart', 'allocationEnd'] as const) {
    const value = provider[field];
    check(isIpv4(value), field, `${show(value)} is not an IPv4 address`);
    if (cidr && isIpv4(value) && field !== 'dns')
      check(cidrContains(cidr, value), field, `${value} is outside ${at}.cidr ${provider.cidr}`);
  }
  const { allocationStart: start, allocationEnd: end, gateway } = provider;
  if (isIpv4(start) && isIpv4(end)) {
    check(ipv4ToNumber(start) <= ipv4ToNumber(end), 'allocationEnd', `${end} comes before allocationStart ${start}`);
    if (isIpv4(gateway)) {
      const g = ipv4ToNumber(gateway);
      check(g < ipv4ToNumber(start) || g > ipv4ToNumber(end), 'gateway', `${gateway} lies inside the allocation pool ${start}-${end}`);
    }
  }
  return problems;
}

function validateRepositories(repositories: NetworkSettings['repositories']): string[] {
  if (repositories === undefined) return [];
  if (!Array.isArray(repositories) || repositories.length === 0)
    return ['network.repositories: must list at least one repository (or be left out for the CentOS vault defaults)'];
  const problems: string[] = [];
  for (const [i, repository] of repositories.entries()) {
    const at = `network.repositories[${i}]`;
    if (!repository || typeof repository !== 'object') {
      problems.push(`${at}: must be an object`);
      continue;
    }
    if (typeof repository.id !== 'string' || !REPOSITORY_ID.test(repository.id))
      problems.push(`${at}.id: ${show(repository.id)} is not a yum repository id (letters, digits, '.', '_', '-')`);
    if (typeof repository.name !== 'string' || !repository.name.trim() || /[\r\n]/.test(repository.name))
      problems.push(`${at}.name: ${show(repository.name)} must be one line of text`);
    if (typeof repository.baseUrl !== 'string' || !REPOSITORY_URL.test(repository.baseUrl))
      problems.push(`${at}.baseUrl: ${show(repository.baseUrl)} is not an http(s)://, ftp:// or file:// URL`);
    if (repository.gpgKey !== undefined && (typeof repository.gpgKey !== 'string' || !REPOSITORY_URL.test(repository.gpgKey)))
      problems.push(`${at}.gpgKey: ${show(repository.gpgKey)} is not a file:// or http(s):// URL`);
  }
  for (const i of duplicates(repositories.map((r) => r?.id)))
    problems.push(`network.repositories[${i}].id: ${show(repositories[i].id)} is used by another repository`);
  return problems;
}

function duplicates(values: unknown[]): number[] {
  const seen = new Set<unknown>();
  const result: number[] = [];
  values.forEach((value, i) => {
    if (value === undefined) return;
    if (seen.has(value)) result.push(i);
    seen.add(value);
  });
  return result;
}

export class InventoryError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid inventory: ${problems.join('; ')}`);
    this.name = 'InventoryError';
  }
}

export function assertValidInventory(inventory: Inventory): void {
  const problems = validateInventory(inventory);
  if (problems.length > 0) throw new InventoryError(problems);
}

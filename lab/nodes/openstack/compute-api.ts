/**
 * Nova API behaviour shared by `nova` and `openstack`: instance boot with its real
 * dependencies (flavor, Glance image, Neutron network, keypair, security group, a
 * running compute node), security group rules, and the console URL.
 */
import { ApiError, NotFoundByName } from './api-errors.js';
import type { Cloud } from './cloud.js';
import type { Image } from './glance-state.js';
import type { Flavor, Instance, SecurityGroupRule } from './nova-state.js';
import { LIBERTY_FLAVORS } from './nova-state.js';
import { resourceId } from './ids.js';
import type { Session } from './service-access.js';
import { keystoneCredentialsProblem } from './service-access.js';

export function findFlavor(nameOrId: string): Flavor {
  const flavor = LIBERTY_FLAVORS.find((f) => f.id === nameOrId || f.name === nameOrId);
  if (!flavor) throw new NotFoundByName('flavor', nameOrId);
  return flavor;
}

export function visibleImages(cloud: Cloud, session: Session): Image[] {
  return cloud.glance.visibleTo(session.projectId, session.isAdmin);
}

export function findImage(cloud: Cloud, session: Session, nameOrId: string): Image {
  const image = cloud.glance.resolve(nameOrId, visibleImages(cloud, session));
  if (!image) throw new NotFoundByName('image', nameOrId);
  return image;
}

function requireProject(session: Session): string {
  if (!session.projectId || !session.userId) throw new ApiError(401, 'The request you have made requires authentication.');
  return session.projectId;
}

export interface BootRequest {
  name: string;
  flavor: string;
  image: string;
  networkIds: string[];
  securityGroups: string[];
  keyName: string | undefined;
}

export async function bootInstance(
  cloud: Cloud,
  session: Session,
  request: BootRequest,
): Promise<{ instance: Instance; flavor: Flavor; image: Image }> {
  const projectId = requireProject(session);
  const flavor = findFlavor(request.flavor);
  const image = findImage(cloud, session, request.image);
  const networks = request.networkIds.map((id) => {
    const network = cloud.neutron.networks.get(id);
    if (!network || (!network.shared && network.tenantId !== projectId)) {
      throw new ApiError(400, `Network ${id} could not be found.`);
    }
    return network;
  });
  if (networks.length === 0) {
    const usable = [...cloud.neutron.networks.values()].filter((n) => n.shared || n.tenantId === projectId);
    if (usable.length > 1) throw new ApiError(409, 'Multiple possible networks found, use a Network ID to be more specific.');
    networks.push(...usable);
  }
  if (request.keyName && !cloud.nova.keypairsOf(session.userId!).some((k) => k.name === request.keyName)) {
    throw new ApiError(400, 'Invalid key_name provided.');
  }
  const groups = cloud.nova.groupsOf(projectId);
  for (const name of request.securityGroups) {
    if (!groups.some((g) => g.name === name || g.id === name)) {
      throw new ApiError(400, `Unable to find security_group with name or id '${name}'`);
    }
  }
  const host = await cloud.scheduleCompute();
  const network = networks[0];
  // The port is bound on the chosen node by its Linux bridge agent; without one alive, Nova gives up.
  const agents = await cloud.neutronAgents();
  const bindable = !network || agents.some((a) => a.host === host && a.binary === 'neutron-linuxbridge-agent' && a.alive);
  const networking = host && bindable && network ? await networkAllocationProblem(cloud, host) : undefined;
  const fault =
    host && !bindable
      ? `Build of instance was re-scheduled: Binding failed for port, please check neutron logs for more information.`
      : networking;
  const subnet = network && cloud.neutron.subnets.get(network.subnetIds[0] ?? '');
  const ip = host && bindable && !networking && subnet ? cloud.neutron.allocateIp(subnet) : undefined;
  if (ip && host && network) await cloud.portBound(host, network);
  const instance = cloud.nova.addInstance({
    name: request.name,
    projectId,
    userId: session.userId!,
    flavorId: flavor.id,
    imageId: image.id,
    networkName: network?.name ?? '',
    ip,
    keyName: request.keyName,
    securityGroups: request.securityGroups.length > 0 ? request.securityGroups : ['default'],
    createdAt: cloud.now(),
    host,
    fault,
  });
  return { instance, flavor, image };
}

/**
 * nova-compute creates and binds the port with its [neutron] account, then waits for neutron-server
 * to report the VIF plugged, which neutron-server does with its [nova] account. Either account
 * refused ends the build in ERROR (a real one after vif_plugging_timeout, 300 s).
 */
async function networkAllocationProblem(cloud: Cloud, computeName: string): Promise<string | undefined> {
  const compute = cloud.hostByAddress(computeName);
  const server = cloud.hostList().find((h) => h.isActive('neutron-server'));
  const failed = 'Build of instance aborted: Failed to allocate the network(s), not rescheduling.';
  if (compute && (await keystoneCredentialsProblem(cloud, compute, '/etc/nova/nova.conf', 'neutron')))
    return `${failed} (Unauthorized: 401)`;
  if (server && (await keystoneCredentialsProblem(cloud, server, '/etc/neutron/neutron.conf', 'nova'))) return failed;
  return undefined;
}

export function instancesOf(cloud: Cloud, session: Session): Instance[] {
  return [...cloud.nova.instances.values()]
    .filter((i) => i.projectId === session.projectId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

export function findInstance(cloud: Cloud, session: Session, nameOrId: string): Instance {
  const mine = instancesOf(cloud, session);
  const byId = mine.find((i) => i.id === nameOrId);
  if (byId) return byId;
  const named = mine.filter((i) => i.name === nameOrId);
  if (named.length > 1) throw new ApiError(409, `Multiple server matches found for '${nameOrId}', use an ID to be more specific.`);
  if (named.length === 0) throw new NotFoundByName('server', nameOrId);
  return named[0];
}

export function networksCell(instance: Instance): string {
  return instance.ip ? `${instance.networkName}=${instance.ip}` : '';
}

const PROTOCOLS = ['tcp', 'udp', 'icmp'];

export function addSecurityGroupRule(
  cloud: Cloud,
  session: Session,
  groupName: string,
  rule: Omit<SecurityGroupRule, 'id'>,
): { rule: SecurityGroupRule; groupId: string } {
  const projectId = requireProject(session);
  const group = cloud.nova.groupsOf(projectId).find((g) => g.name === groupName || g.id === groupName);
  if (!group) throw new NotFoundByName('secgroup', groupName);
  if (!PROTOCOLS.includes(rule.protocol)) throw new ApiError(400, `Invalid IP protocol ${rule.protocol}.`);
  const duplicate = group.rules.find(
    (r) => r.protocol === rule.protocol && r.fromPort === rule.fromPort && r.toPort === rule.toPort && r.cidr === rule.cidr,
  );
  if (duplicate) throw new ApiError(409, `Security group rule already exists. Rule id is ${duplicate.id}.`);
  const created = { id: resourceId(), ...rule };
  group.rules.push(created);
  return { rule: created, groupId: group.id };
}

/** nova-novncproxy's URL as the compute node's nova.conf sets it (novncproxy_base_url), with a fresh token. */
export function vncConsoleUrl(cloud: Cloud, instance: Instance, baseUrl: string): string {
  if (cloud.instanceStatus(instance) !== 'ACTIVE') {
    throw new ApiError(409, `Instance ${instance.id} is not ready`);
  }
  return `${baseUrl}?token=${resourceId()}`;
}

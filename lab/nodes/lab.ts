import { InMemoryFs } from 'just-bash';
import type { InventoryNode, NodeRole } from '../../src/runbooks/model.js';
import { centosHostCommands } from './commands/index.js';
import { provisionCentos, type SudoUser } from './centos-layout.js';
import { LabFaults } from './faults.js';
import { LabInternet } from './lab-internet.js';
import { generateKeyPair } from './key-pairs.js';
import { CommandRegistry, LabHost } from './lab-host.js';
import { LabNode } from './lab-node.js';
import { NodeShell } from './node-shell.js';
import { attachHost, createCloud, registerOpenStackCommands, type Cloud } from './openstack/index.js';
import { labManagementAddress, labManagementCidr, MAX_COMPUTE_NODES } from './lab-addressing.js';

export interface LabOptions {
  /** Compute nodes besides the controller (linux-node2…); default 1, at most MAX_COMPUTE_NODES. */
  computeNodes?: number;
  /** OpenSSH public key line allowed to log in as root; a fresh ed25519 pair is made when omitted. */
  clientPublicKey?: string;
  /**
   * A login user with a sudo policy on every node (a cloud image's `centos`): the inventory then
   * logs in as that user and the executor goes through sudo. Root may still log in with the key.
   */
  sudoUser?: SudoUser;
  /**
   * How long a booted instance stays in BUILD (default 3 s, or until it was listed once, as
   * Nova's first `nova list` after a boot shows it). 0: ACTIVE at once, for tests about something
   * else, which then skip the runbook's 5 s wait for ACTIVE.
   */
  instanceBuildMs?: number;
}

export interface Lab {
  nodes: InventoryNode[];
  /** OpenSSH private key for the login user (and root) on every node; undefined when the caller brought its own public key. */
  clientPrivateKey: string | undefined;
  faults: LabFaults;
  /** Per-node state, for tests that check what a deployment left behind. */
  hosts: ReadonlyMap<string, LabHost>;
  /** The OpenStack cloud the nodes share (keystone, glance, nova, neutron state). */
  cloud: Cloud;
  /** What the nodes reach over HTTP (the CentOS vault, image downloads); tests add mirrors to it. */
  internet: LabInternet;
  /** The management network the nodes' addresses lie in (lab-addressing.ts). */
  managementCidr: string;
  /** TCP connections open to each node's SSH port, by node name. */
  openConnections(): Record<string, number>;
  stop(): Promise<void>;
}

/** Start a controller (linux-node1.example.com, 192.168.56.11) and `computeNodes` computes, each a real SSH server on 127.0.0.1. */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const computeNodes = options.computeNodes ?? 1;
  if (!Number.isInteger(computeNodes) || computeNodes < 0 || computeNodes > MAX_COMPUTE_NODES) {
    throw new Error(`computeNodes: must be an integer from 0 to ${MAX_COMPUTE_NODES}, got ${computeNodes}`);
  }
  let clientPrivateKey: string | undefined;
  let clientPublicKey = options.clientPublicKey;
  if (!clientPublicKey) {
    const pair = generateKeyPair('ed25519', 'opsprint-lab');
    clientPrivateKey = pair.private;
    clientPublicKey = pair.public;
  }

  const internet = new LabInternet();
  const registry = new CommandRegistry();
  centosHostCommands(registry);
  const cloud = createCloud({ buildDurationMs: options.instanceBuildMs });
  registerOpenStackCommands(registry, cloud);

  const specs: { name: string; roles: NodeRole[]; ip: string }[] = [
    { name: 'linux-node1.example.com', roles: ['controller'], ip: '192.168.56.11' },
  ];
  for (let i = 0; i < computeNodes; i++)
    specs.push({ name: `linux-node${i + 2}.example.com`, roles: ['compute'], ip: labManagementAddress(i) });

  const controls = new Map<string, LabNode>();
  const faults = new LabFaults(controls);
  const hosts = new Map<string, LabHost>();
  const labNodes: LabNode[] = [];
  try {
    for (const spec of specs) {
      const host = new LabHost(spec.name, spec.roles, spec.ip, new InMemoryFs());
      host.internet = internet;
      await provisionCentos(host, { sudoUser: options.sudoUser });
      attachHost(cloud, host);
      const users = options.sudoUser ? ['root', options.sudoUser.name] : ['root'];
      const node = await LabNode.start({ host, shell: new NodeShell(host, registry, cloud, faults), clientPublicKey, users });
      host.onAddressMoved = () => node.dropConnections();
      hosts.set(spec.name, host);
      controls.set(spec.name, node);
      labNodes.push(node);
    }
  } catch (error) {
    await Promise.all(labNodes.map((n) => n.stop()));
    throw error;
  }

  const nodes: InventoryNode[] = specs.map((spec, i) => ({
    name: spec.name,
    roles: spec.roles,
    managementIp: spec.ip,
    providerInterface: 'eth0',
    ssh: {
      host: '127.0.0.1',
      port: labNodes[i]!.port,
      user: options.sudoUser?.name ?? 'root',
      hostKeyFingerprint: labNodes[i]!.hostKeyFingerprint,
    },
  }));
  return {
    nodes,
    clientPrivateKey,
    faults,
    hosts,
    cloud,
    internet,
    managementCidr: labManagementCidr(computeNodes),
    openConnections: () => Object.fromEntries(labNodes.map((node) => [node.name, node.openConnections])),
    stop: async () => {
      faults.clear();
      await Promise.all(labNodes.map((n) => n.stop()));
    },
  };
}

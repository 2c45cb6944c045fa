import type { Inventory, InventoryNode } from '../model.js';

export interface ExampleInventoryOptions {
  environment?: string;
  /** How OpSprint reaches each node (lab nodes listen on local ports); default: its management IP, port 22, root. */
  ssh?: (node: Pick<InventoryNode, 'name' | 'managementIp'>, index: number) => InventoryNode['ssh'];
}

/**
 * The seed's two-node lab: linux-node1 (controller, 192.168.56.11) and linux-node2
 * (compute, 192.168.56.12) on 192.168.56.0/24, eth0 bridged to the flat provider network.
 */
export function exampleInventory(options: ExampleInventoryOptions = {}): Inventory {
  const ssh = options.ssh ?? ((node) => ({ host: node.managementIp, port: 22, user: 'root' }));
  const nodes: Array<Omit<InventoryNode, 'ssh'>> = [
    { name: 'linux-node1.example.com', roles: ['controller'], managementIp: '192.168.56.11', providerInterface: 'eth0' },
    { name: 'linux-node2.example.com', roles: ['compute'], managementIp: '192.168.56.12', providerInterface: 'eth0' },
  ];
  return {
    environment: options.environment ?? 'lab',
    nodes: nodes.map((node, i) => ({ ...node, ssh: ssh(node, i) })),
    network: {
      managementCidr: '192.168.56.0/24',
      timezone: 'Asia/Shanghai',
      // The seed syncs the compute node once with `ntpdate ntp1.aliyun.com`.
      ntpServers: ['ntp1.aliyun.com'],
      region: 'RegionOne',
      provider: {
        name: 'flat',
        physicalNetwork: 'physnet1',
        cidr: '192.168.56.0/24',
        gateway: '192.168.56.2',
        dns: '192.168.56.2',
        allocationStart: '192.168.56.100',
        allocationEnd: '192.168.56.200',
      },
      imageUrl: 'http://download.cirros-cloud.net/0.3.4/cirros-0.3.4-x86_64-disk.img',
      // The MD5 download.cirros-cloud.net/0.3.4/MD5SUMS publishes for that file (13287936 bytes).
      imageChecksum: 'md5:ee1eca47dc88f4879d8a229cc70a07c6',
      // network.repositories is left out: the CentOS vault (DEFAULT_REPOSITORIES).
    },
  };
}

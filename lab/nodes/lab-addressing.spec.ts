import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { validateInventory } from '../../src/runbooks/inventory.js';
import type { InventoryNode } from '../../src/runbooks/model.js';
import { labManagementAddress, labManagementCidr, MAX_COMPUTE_NODES } from './lab-addressing.js';
import { startLab } from './lab.js';
import { labInventory } from './lab-inventory.js';

/** The inventory a lab of this many computes would register, without starting its SSH servers. */
function inventoryOf(computes: number) {
  const inventory = exampleInventory({ environment: 'lab' });
  const [controller, compute] = inventory.nodes;
  const nodes: InventoryNode[] = [
    controller,
    ...Array.from({ length: computes }, (_, i) => ({
      ...compute,
      name: `linux-node${i + 2}.example.com`,
      managementIp: labManagementAddress(i),
      ssh: { ...compute.ssh, port: 2200 + i },
    })),
  ];
  return { ...inventory, nodes, network: { ...inventory.network, managementCidr: labManagementCidr(computes) } };
}

describe('lab management addressing', () => {
  it('keeps the seed addressing for the two-node lab and up to 88 computes', async () => {
    const lab = await startLab({ computeNodes: 1 });
    try {
      const inventory = labInventory(lab);
      expect(inventory.nodes.map((n) => n.managementIp)).toEqual(['192.168.56.11', '192.168.56.12']);
      expect(inventory.network.managementCidr).toBe('192.168.56.0/24');
      expect(inventory).toEqual({ ...exampleInventory({ environment: 'lab' }), nodes: inventory.nodes, network: inventory.network });
      expect(inventory.network.managementCidr).toBe(exampleInventory({ environment: 'lab' }).network.managementCidr);
    } finally {
      await lab.stop();
    }
    expect(labManagementAddress(87)).toBe('192.168.56.99');
    expect(labManagementCidr(88)).toBe('192.168.56.0/24');
    expect(validateInventory(inventoryOf(88))).toEqual([]);
  });

  it('fits 200 computes on a wider management network, every address unique and outside the provider pool', () => {
    const inventory = inventoryOf(200);
    expect(inventory.network.managementCidr).toBe('192.168.56.0/23');
    expect(new Set(inventory.nodes.map((n) => n.managementIp)).size).toBe(201);
    expect(validateInventory(inventory)).toEqual([]);
    expect(validateInventory(inventoryOf(MAX_COMPUTE_NODES))).toEqual([]);
  });

  it('refuses more computes than the network holds', async () => {
    await expect(startLab({ computeNodes: MAX_COMPUTE_NODES + 1 })).rejects.toThrow(
      `computeNodes: must be an integer from 0 to ${MAX_COMPUTE_NODES}`,
    );
  });
});

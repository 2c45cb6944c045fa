import type { Inventory } from '../../src/runbooks/model.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import type { Lab } from './lab.js';

/**
 * The example inventory for a started lab: its nodes (controller and however many computes, as
 * root or the lab's sudo user) and the checksum of the image the lab serves at the example's URL
 * (the lab's stand-in is not the real 13 MB CirrOS image, whose MD5 the example carries).
 */
export function labInventory(
  lab: Pick<Lab, 'nodes' | 'internet'> & Partial<Pick<Lab, 'managementCidr'>>,
  options: { environment?: string } = {},
): Inventory {
  const inventory = exampleInventory({ environment: options.environment ?? 'lab' });
  inventory.nodes = lab.nodes.map((node) => ({ ...node, roles: [...node.roles], ssh: { ...node.ssh } }));
  // A lab of more than 88 computes has a wider management network than the seed's /24.
  if (lab.managementCidr) inventory.network.managementCidr = lab.managementCidr;
  inventory.network.imageChecksum = lab.internet.checksumOf(inventory.network.imageUrl);
  return inventory;
}

/**
 * The seed's lab lives on 192.168.56.0/24: controller .11, computes from .12, the provider pool
 * .100-.200 on the same flat network. Computes .12-.99 keep exactly that addressing (up to 88 of
 * them); a bigger lab (the bench's 200 computes) widens the management network to 192.168.56.0/23
 * and numbers the rest from 192.168.57.1, outside the provider pool, so the seed's two-node case
 * and every lab up to 88 computes look as before.
 */
export const MAX_COMPUTE_NODES = 88 + 254;
const SEED_COMPUTES = 88;

export function labManagementAddress(computeIndex: number): string {
  return computeIndex < SEED_COMPUTES ? `192.168.56.${12 + computeIndex}` : `192.168.57.${computeIndex - SEED_COMPUTES + 1}`;
}

export function labManagementCidr(computeNodes: number): string {
  return computeNodes <= SEED_COMPUTES ? '192.168.56.0/24' : '192.168.56.0/23';
}

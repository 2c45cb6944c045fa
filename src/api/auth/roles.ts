import { SetMetadata } from '@nestjs/common';
import type { ApiRole } from '../../persistence/records.js';

export type { ApiRole } from '../../persistence/records.js';

/** Each role can do everything the roles before it can. */
export const ROLE_ORDER: readonly ApiRole[] = ['viewer', 'operator', 'admin'];

export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(needed);
}

export const ROLE_KEY = 'opsprint:role';

/** The least role a route needs; routes under /api without it need `viewer`. */
export const Roles = (role: ApiRole) => SetMetadata(ROLE_KEY, role);

import { SetMetadata } from '@nestjs/common';
import type { ApiRole as StoredApiRole } from '../persistence/records.js';

/** Each role can do everything the roles before it can (the values of the ApiRole enum in the schema). */
export const ROLE_ORDER = ['viewer', 'operator', 'admin'] as const satisfies readonly StoredApiRole[];
export type ApiRole = (typeof ROLE_ORDER)[number];

export function roleAllows(held: ApiRole, needed: ApiRole): boolean {
  return ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(needed);
}

export const ROLE_KEY = 'opsprint:role';

/** The least role a route needs; routes under /api without it need `viewer`. */
export const Roles = (role: ApiRole) => SetMetadata(ROLE_KEY, role);

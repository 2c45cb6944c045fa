import type { Runbook } from './model.js';
import { openstackLiberty } from './openstack-liberty/index.js';

/** The runbooks this build ships, by key. */
export type RunbookCatalog = ReadonlyMap<string, Runbook>;

export function defaultRunbookCatalog(): RunbookCatalog {
  return new Map([[openstackLiberty.key, openstackLiberty]]);
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandRegistry, LabHost } from './lab-host.js';

/** What lab-cloud's `openstack/index.ts` offers the lab. */
export interface OpenStackModule {
  createCloud(): unknown;
  registerOpenStackCommands(registry: CommandRegistry, cloud: unknown): void;
  /** Make the cloud aware of a node (its services, filesystem, MariaDB). */
  attachHost?(cloud: unknown, host: LabHost): void;
}

const MODULE = './openstack/index.js';

/** lab-cloud's module when it is there (as .ts under Jest, .js once built); the lab runs host-only without it. */
export async function loadOpenStack(): Promise<OpenStackModule | undefined> {
  const path = fileURLToPath(new URL(MODULE, import.meta.url));
  if (!existsSync(path) && !existsSync(path.replace(/\.js$/, '.ts'))) return undefined;
  return (await import(MODULE)) as OpenStackModule;
}

import type { LabHost } from './lab-host.js';

/**
 * Why a unit refuses to start on this host (the message journalctl would show), or null when it may start.
 * lab-cloud registers rules such as "glance-api needs [database] connection".
 */
export type ServiceRule = (host: LabHost) => string | null | Promise<string | null>;

const rules = new Map<string, ServiceRule[]>();

/** Add a start veto for a unit ("openstack-glance-api" or "openstack-glance-api.service"). */
export function registerServiceRule(unit: string, rule: ServiceRule): () => void {
  const name = unit.replace(/\.service$/, '');
  const list = rules.get(name) ?? [];
  list.push(rule);
  rules.set(name, list);
  return () => {
    const index = list.indexOf(rule);
    if (index >= 0) list.splice(index, 1);
  };
}

/** The first veto for starting `unit` on `host`, or null. */
export async function startVeto(unit: string, host: LabHost): Promise<string | null> {
  for (const rule of rules.get(unit) ?? []) {
    const reason = await rule(host);
    if (reason) return reason;
  }
  return null;
}

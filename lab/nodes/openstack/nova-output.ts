import type { Cloud, InstanceStatus } from './cloud.js';
import type { Instance } from './nova-state.js';
import { LIBERTY_FLAVORS } from './nova-state.js';
import { apiTimestamp } from './ids.js';
import type { Session } from './service-access.js';
import { formatRecord } from './table-format.js';

const VM_STATE: Record<InstanceStatus, [string, string, number]> = {
  BUILD: ['building', 'scheduling', 0],
  ACTIVE: ['active', '-', 1],
  ERROR: ['error', '-', 0],
};

/** The Property/Value rows of `nova boot` and `nova show`. */
export function instanceRecord(cloud: Cloud, instance: Instance, status: InstanceStatus): Record<string, string | number> {
  const flavor = LIBERTY_FLAVORS.find((f) => f.id === instance.flavorId)!;
  const image = cloud.glance.images.get(instance.imageId);
  const [vmState, taskState, powerState] = VM_STATE[status];
  const record: Record<string, string | number> = {
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': status === 'ACTIVE' ? 'nova' : '',
    'OS-EXT-STS:power_state': powerState,
    'OS-EXT-STS:task_state': taskState,
    'OS-EXT-STS:vm_state': vmState,
    'OS-SRV-USG:launched_at': status === 'ACTIVE' ? apiTimestamp(instance.createdAt).replace('Z', '.000000') : '-',
    'OS-SRV-USG:terminated_at': '-',
    accessIPv4: '',
    accessIPv6: '',
    config_drive: '',
    created: apiTimestamp(instance.createdAt),
    flavor: `${flavor.name} (${flavor.id})`,
    hostId: '',
    id: instance.id,
    image: `${image?.name ?? ''} (${instance.imageId})`,
    key_name: instance.keyName ?? '-',
    metadata: '{}',
    name: instance.name,
    'os-extended-volumes:volumes_attached': '[]',
    progress: 0,
    security_groups: instance.securityGroups.join(', '),
    status,
    tenant_id: instance.projectId,
    updated: apiTimestamp(instance.createdAt),
    user_id: instance.userId,
  };
  if (status === 'ERROR') {
    record.fault = JSON.stringify({
      message: instance.fault ?? 'No valid host was found. There are not enough hosts available.',
      code: 500,
    })
      .replace(/":/g, '": ')
      .replace(/,"/g, ', "');
  }
  if (status !== 'ERROR' && instance.ip) record[`${instance.networkName} network`] = instance.ip;
  return record;
}

/**
 * `nova endpoints`: one table per endpoint, headed by the service name, after the
 * warning novaclient prints when no region is selected (OS_REGION_NAME unset).
 */
export function novaEndpoints(cloud: Cloud, session: Session): string {
  const ks = cloud.keystone;
  let out = '';
  for (const service of ks.list(ks.services)) {
    const endpoints = ks.list(ks.endpoints).filter((e) => e.serviceId === service.id);
    if (endpoints.length === 0) continue;
    out += `WARNING: ${service.name} has no endpoint in ! Available endpoints for this service:\n`;
    for (const e of endpoints) {
      const url = e.url.replace('%(tenant_id)s', session.projectId ?? '');
      out += formatRecord({ id: e.id, interface: e.interface, region: e.region, region_id: e.region, url }, [service.name, 'Value']);
    }
  }
  return out;
}

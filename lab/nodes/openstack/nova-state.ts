import { conflict } from './api-errors.js';
import { resourceId } from './ids.js';

export interface Flavor {
  id: string;
  name: string;
  memoryMb: number;
  diskGb: number;
  ephemeralGb: number;
  swapMb: number;
  vcpus: number;
  rxtxFactor: number;
  isPublic: boolean;
}

const flavor = (id: string, name: string, memoryMb: number, diskGb: number, vcpus: number): Flavor => ({
  id,
  name,
  memoryMb,
  diskGb,
  ephemeralGb: 0,
  swapMb: 0,
  vcpus,
  rxtxFactor: 1.0,
  isPublic: true,
});

/** The default flavors Nova Liberty's database migrations create. */
export const LIBERTY_FLAVORS: readonly Flavor[] = [
  flavor('1', 'm1.tiny', 512, 1, 1),
  flavor('2', 'm1.small', 2048, 20, 1),
  flavor('3', 'm1.medium', 4096, 40, 2),
  flavor('4', 'm1.large', 8192, 80, 4),
  flavor('5', 'm1.xlarge', 16384, 160, 8),
];

export interface Keypair {
  name: string;
  userId: string;
  publicKey: string;
  fingerprint: string;
}

export interface SecurityGroupRule {
  id: string;
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr: string;
}

export interface SecurityGroup {
  id: string;
  name: string;
  description: string;
  projectId: string;
  rules: SecurityGroupRule[];
}

export interface Instance {
  id: string;
  name: string;
  projectId: string;
  userId: string;
  flavorId: string;
  imageId: string;
  networkName: string;
  ip: string | undefined;
  keyName: string | undefined;
  securityGroups: string[];
  createdAt: Date;
  /** Compute node chosen by the scheduler, or undefined when none was available (ERROR). */
  host: string | undefined;
  /** Why the build failed (`nova show` prints it as fault), undefined while all went well. */
  fault: string | undefined;
  /** `nova list` shows BUILD once before the spawn completes. */
  timesListed: number;
}

/** Nova's services as `nova service-list` / `openstack host list` name them, by systemd unit. */
export const NOVA_SERVICE_UNITS: Record<string, string> = {
  'openstack-nova-cert': 'nova-cert',
  'openstack-nova-conductor': 'nova-conductor',
  'openstack-nova-consoleauth': 'nova-consoleauth',
  'openstack-nova-scheduler': 'nova-scheduler',
  'openstack-nova-compute': 'nova-compute',
};

export interface NovaServiceRecord {
  id: number;
  binary: string;
  host: string;
}

export class NovaState {
  readonly keypairs = new Map<string, Keypair>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly instances = new Map<string, Instance>();
  /** Services register in the nova database the first time they run and stay listed (state down) after. */
  readonly services = new Map<string, NovaServiceRecord>();

  registerService(host: string, binary: string): NovaServiceRecord {
    const key = `${host}/${binary}`;
    let record = this.services.get(key);
    if (!record) {
      record = { id: this.services.size + 1, binary, host };
      this.services.set(key, record);
    }
    return record;
  }

  addKeypair(keypair: Keypair): void {
    const key = `${keypair.userId}/${keypair.name}`;
    if (this.keypairs.has(key)) throw conflict('keypair');
    this.keypairs.set(key, keypair);
  }

  keypairsOf(userId: string): Keypair[] {
    return [...this.keypairs.values()].filter((k) => k.userId === userId);
  }

  /** Every project has a `default` group, created on first use as Neutron does. */
  defaultGroup(projectId: string): SecurityGroup {
    const existing = [...this.securityGroups.values()].find((g) => g.projectId === projectId && g.name === 'default');
    if (existing) return existing;
    const group = { id: resourceId(), name: 'default', description: 'Default security group', projectId, rules: [] };
    this.securityGroups.set(group.id, group);
    return group;
  }

  groupsOf(projectId: string): SecurityGroup[] {
    this.defaultGroup(projectId);
    return [...this.securityGroups.values()].filter((g) => g.projectId === projectId);
  }

  addInstance(fields: Omit<Instance, 'id' | 'timesListed'>): Instance {
    const instance: Instance = { id: resourceId(), timesListed: 0, ...fields };
    this.instances.set(instance.id, instance);
    return instance;
  }
}

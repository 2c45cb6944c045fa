import { Prisma, type PrismaClient } from '@prisma/client';
import { InputError, NotFoundError } from '../common/errors.js';
import { SECRET_NAMES, type Inventory, type InventoryNode, type NetworkSettings, type NodeRole, type Secrets } from '../runbooks/model.js';
import { validateInventory } from '../runbooks/inventory.js';
import { generateSecrets, validateSecrets } from '../runbooks/secrets.js';
import type { SecretCipher } from './secret-cipher.js';

/** The SSH private key OpSprint logs in with; stored like the runbook's secrets. */
export const SSH_PRIVATE_KEY = 'SSH_PRIVATE_KEY';

export interface EnvironmentInput {
  name: string;
  description?: string;
  network: NetworkSettings;
  nodes: InventoryNode[];
  trustOnFirstUse?: boolean;
  /** Write-only. Missing runbook secrets are generated; SSH_PRIVATE_KEY is required on create. */
  secrets?: Partial<Record<string, string>>;
}

export interface EnvironmentView {
  id: string;
  name: string;
  description: string | null;
  network: NetworkSettings;
  trustOnFirstUse: boolean;
  nodes: InventoryNode[];
  /** Names only: values never leave the service. */
  secrets: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Everything a deployment needs to reach and configure an environment. */
export interface EnvironmentForDeployment {
  id: string;
  name: string;
  inventory: Inventory;
  secrets: Secrets;
  sshPrivateKey: string;
  trustOnFirstUse: boolean;
}

const ENV_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const withNodes = { nodes: { orderBy: { name: 'asc' as const } }, secrets: { select: { name: true } } };
type EnvironmentRow = Prisma.EnvironmentGetPayload<{ include: typeof withNodes }>;

export class EnvironmentsService {
  constructor(
    private readonly db: PrismaClient,
    private readonly cipher: SecretCipher,
  ) {}

  async create(input: EnvironmentInput): Promise<EnvironmentView> {
    const secrets = { ...generateSecrets(), ...(input.secrets ?? {}) };
    this.validate(input, secrets, true);
    try {
      const row = await this.db.environment.create({
        data: {
          name: input.name,
          description: input.description,
          network: input.network as unknown as Prisma.InputJsonValue,
          trustOnFirstUse: input.trustOnFirstUse ?? false,
          nodes: { create: input.nodes.map(toNodeRow) },
          secrets: { create: Object.entries(secrets).map(([name, value]) => ({ name, ciphertext: this.cipher.encrypt(value as string) })) },
        },
        include: withNodes,
      });
      return toView(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new InputError([`name: an environment named "${input.name}" already exists`]);
      }
      throw error;
    }
  }

  /** Replaces the inventory; secrets given are replaced, the others kept. Pinned host keys survive unless changed. */
  async update(name: string, input: Omit<EnvironmentInput, 'name'>): Promise<EnvironmentView> {
    const existing = await this.findRow(name);
    // Secrets sent again need not be readable: that is how values stored under another key are replaced.
    const current = await this.decryptSecrets(existing.id, Object.keys(input.secrets ?? {}));
    const secrets = { ...current, ...(input.secrets ?? {}) };
    this.validate({ ...input, name }, secrets, false);
    const pinned = new Map(existing.nodes.map((n) => [n.name, n.hostKeyFingerprint]));
    const row = await this.db.$transaction(async (tx) => {
      await tx.node.deleteMany({ where: { environmentId: existing.id } });
      for (const [secretName, value] of Object.entries(input.secrets ?? {})) {
        const ciphertext = this.cipher.encrypt(value as string);
        await tx.secret.upsert({
          where: { environmentId_name: { environmentId: existing.id, name: secretName } },
          create: { environmentId: existing.id, name: secretName, ciphertext },
          update: { ciphertext },
        });
      }
      return tx.environment.update({
        where: { id: existing.id },
        data: {
          description: input.description,
          network: input.network as unknown as Prisma.InputJsonValue,
          trustOnFirstUse: input.trustOnFirstUse ?? existing.trustOnFirstUse,
          nodes: {
            create: input.nodes.map((node) =>
              toNodeRow({
                ...node,
                ssh: { ...node.ssh, hostKeyFingerprint: node.ssh.hostKeyFingerprint ?? pinned.get(node.name) ?? undefined },
              }),
            ),
          },
        },
        include: withNodes,
      });
    });
    return toView(row);
  }

  async get(name: string): Promise<EnvironmentView> {
    return toView(await this.findRow(name));
  }

  async list(): Promise<EnvironmentView[]> {
    const rows = await this.db.environment.findMany({ include: withNodes, orderBy: { name: 'asc' } });
    return rows.map(toView);
  }

  async loadForDeployment(idOrName: { id?: string; name?: string }): Promise<EnvironmentForDeployment> {
    const row = idOrName.id
      ? await this.db.environment.findUnique({ where: { id: idOrName.id }, include: withNodes })
      : await this.db.environment.findUnique({ where: { name: idOrName.name }, include: withNodes });
    if (!row) throw new NotFoundError(`environment ${idOrName.name ?? idOrName.id} does not exist`);
    const all = await this.decryptSecrets(row.id);
    const { [SSH_PRIVATE_KEY]: sshPrivateKey, ...rest } = all;
    const view = toView(row);
    return {
      id: row.id,
      name: row.name,
      inventory: { environment: row.name, nodes: view.nodes, network: view.network },
      secrets: Object.fromEntries(SECRET_NAMES.map((n) => [n, rest[n] ?? ''])) as Secrets,
      sshPrivateKey: sshPrivateKey ?? '',
      trustOnFirstUse: row.trustOnFirstUse,
    };
  }

  /** Trust-on-first-use: the key a node presented is pinned from now on. */
  async recordHostKey(environmentId: string, nodeName: string, fingerprint: string): Promise<void> {
    await this.db.node.updateMany({
      where: { environmentId, name: nodeName, hostKeyFingerprint: null },
      data: { hostKeyFingerprint: fingerprint },
    });
  }

  private async findRow(name: string): Promise<EnvironmentRow> {
    const row = await this.db.environment.findUnique({ where: { name }, include: withNodes });
    if (!row) throw new NotFoundError(`environment ${name} does not exist`);
    return row;
  }

  private async decryptSecrets(environmentId: string, skip: string[] = []): Promise<Record<string, string>> {
    const rows = await this.db.secret.findMany({ where: { environmentId, name: { notIn: skip } } });
    const unreadable = rows.filter((r) => !this.cipher.canDecrypt(r.ciphertext)).map((r) => r.name);
    if (unreadable.length > 0) {
      throw new InputError(
        unreadable.map(
          (name) => `secrets.${name}: stored under a different OPSPRINT_SECRET_KEY; set that key again or send this secret's value again`,
        ),
      );
    }
    return Object.fromEntries(rows.map((r) => [r.name, this.cipher.decrypt(r.ciphertext)]));
  }

  private validate(input: EnvironmentInput, secrets: Partial<Record<string, string>>, creating: boolean): void {
    const reasons: string[] = [];
    if (!ENV_NAME.test(input.name ?? '')) reasons.push(`name: "${input.name}" must be lower-case letters, digits and '-' (at most 63)`);
    reasons.push(...validateInventory({ environment: input.name, nodes: input.nodes, network: input.network }));
    reasons.push(...validateSecrets(secrets));
    const key = secrets[SSH_PRIVATE_KEY];
    if (creating && !key) reasons.push(`secrets.${SSH_PRIVATE_KEY} is required (the private key OpSprint logs in with)`);
    if (key && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) reasons.push(`secrets.${SSH_PRIVATE_KEY} is not a PEM/OpenSSH private key`);
    const known = new Set<string>([...SECRET_NAMES, SSH_PRIVATE_KEY]);
    for (const name of Object.keys(input.secrets ?? {}))
      if (!known.has(name)) reasons.push(`secrets.${name} is not a secret this runbook uses`);
    if (reasons.length > 0) throw new InputError(reasons);
  }
}

function toNodeRow(node: InventoryNode) {
  return {
    name: node.name,
    roles: node.roles,
    managementIp: node.managementIp,
    providerInterface: node.providerInterface,
    sshHost: node.ssh.host,
    sshPort: node.ssh.port,
    sshUser: node.ssh.user,
    hostKeyFingerprint: node.ssh.hostKeyFingerprint ?? null,
  };
}

function toView(row: EnvironmentRow): EnvironmentView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    network: row.network as unknown as NetworkSettings,
    trustOnFirstUse: row.trustOnFirstUse,
    nodes: row.nodes.map((n) => ({
      name: n.name,
      roles: n.roles as NodeRole[],
      managementIp: n.managementIp,
      providerInterface: n.providerInterface,
      ssh: {
        host: n.sshHost,
        port: n.sshPort,
        user: n.sshUser,
        ...(n.hostKeyFingerprint ? { hostKeyFingerprint: n.hostKeyFingerprint } : {}),
      },
    })),
    secrets: row.secrets.map((s) => s.name).sort(),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import type { InventoryNode, NetworkSettings, NodeRole } from '../../runbooks/model.js';
import { ActiveDeploymentExists, unique } from '../errors.js';
import { PrismaService } from '../prisma.service.js';

/** An environment as stored: inventory and the names of its secrets (values stay encrypted here). */
export interface StoredEnvironment {
  id: string;
  name: string;
  description: string | null;
  network: NetworkSettings;
  trustOnFirstUse: boolean;
  nodes: InventoryNode[];
  secretNames: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface EnvironmentWrite {
  description?: string;
  network: NetworkSettings;
  trustOnFirstUse: boolean;
  nodes: InventoryNode[];
}

const withNodes = { nodes: { orderBy: { name: 'asc' as const } }, secrets: { select: { name: true } } };
type EnvironmentRow = Prisma.EnvironmentGetPayload<{ include: typeof withNodes }>;

/** Environments with their nodes and encrypted secrets. */
@Injectable()
export class EnvironmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws UniqueViolation when the name is taken. */
  async create(name: string, data: EnvironmentWrite, secrets: { name: string; ciphertext: string }[]): Promise<StoredEnvironment> {
    const row = await unique('Environment.name', () =>
      this.prisma.environment.create({
        data: {
          name,
          description: data.description,
          network: data.network as unknown as Prisma.InputJsonValue,
          trustOnFirstUse: data.trustOnFirstUse,
          nodes: { create: data.nodes.map(toNodeRow) },
          secrets: { create: secrets },
        },
        include: withNodes,
      }),
    );
    return toStored(row);
  }

  /**
   * Replaces the inventory and the secrets given, in one transaction; other secrets are kept.
   * Throws ActiveDeploymentExists while a deployment is queued or running.
   */
  async replace(id: string, data: EnvironmentWrite, secrets: { name: string; ciphertext: string }[]): Promise<StoredEnvironment> {
    const row = await this.prisma.$transaction(async (tx) => {
      await lockIdle(tx, id);
      await tx.node.deleteMany({ where: { environmentId: id } });
      for (const { name, ciphertext } of secrets) {
        await tx.secret.upsert({
          where: { environmentId_name: { environmentId: id, name } },
          create: { environmentId: id, name, ciphertext },
          update: { ciphertext },
        });
      }
      return tx.environment.update({
        where: { id },
        data: {
          description: data.description,
          network: data.network as unknown as Prisma.InputJsonValue,
          trustOnFirstUse: data.trustOnFirstUse,
          nodes: { create: data.nodes.map(toNodeRow) },
        },
        include: withNodes,
      });
    });
    return toStored(row);
  }

  /**
   * Deletes the environment with its nodes, secrets, deployments and page/issue links; the number
   * of deployments it had. Throws ActiveDeploymentExists while one is queued or running.
   */
  async remove(id: string): Promise<{ deployments: number }> {
    return this.prisma.$transaction(async (tx) => {
      await lockIdle(tx, id);
      const deployments = await tx.deployment.count({ where: { environmentId: id } });
      await tx.environment.delete({ where: { id } });
      return { deployments };
    });
  }

  async findByName(name: string): Promise<StoredEnvironment | null> {
    const row = await this.prisma.environment.findUnique({ where: { name }, include: withNodes });
    return row && toStored(row);
  }

  async findById(id: string): Promise<StoredEnvironment | null> {
    const row = await this.prisma.environment.findUnique({ where: { id }, include: withNodes });
    return row && toStored(row);
  }

  async list(): Promise<StoredEnvironment[]> {
    const rows = await this.prisma.environment.findMany({ include: withNodes, orderBy: { name: 'asc' } });
    return rows.map(toStored);
  }

  /** Encrypted secret values, except those named in `skip`. */
  encryptedSecrets(environmentId: string, skip: string[] = []): Promise<{ name: string; ciphertext: string }[]> {
    return this.prisma.secret.findMany({ where: { environmentId, name: { notIn: skip } }, select: { name: true, ciphertext: true } });
  }

  /** Trust-on-first-use: pins the key only where none is pinned yet. */
  async pinHostKey(environmentId: string, nodeName: string, fingerprint: string): Promise<void> {
    await this.prisma.node.updateMany({
      where: { environmentId, name: nodeName, hostKeyFingerprint: null },
      data: { hostKeyFingerprint: fingerprint },
    });
  }
}

/**
 * Locks the environment row, then checks it has no active deployment. Creating a deployment takes
 * a key-share lock on this row (its foreign key), so the two wait for each other: a deployment is
 * either seen here or created after this transaction.
 */
async function lockIdle(tx: Prisma.TransactionClient, id: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Environment" WHERE id = ${id} FOR UPDATE`;
  const active = await tx.deployment.findUnique({ where: { activeEnvironmentId: id }, select: { id: true, status: true } });
  if (active) throw new ActiveDeploymentExists(active.id, active.status);
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

function toStored(row: EnvironmentRow): StoredEnvironment {
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
    secretNames: row.secrets.map((s) => s.name).sort(),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

import { Injectable } from '@nestjs/common';
import { ConflictError, InputError, NotFoundError } from '../common/errors.js';
import { ActiveDeploymentExists, UniqueViolation } from '../persistence/errors.js';
import { EnvironmentRepository, type StoredEnvironment } from '../persistence/repositories/environment.repository.js';
import { validateInventory } from '../runbooks/inventory.js';
import { type Inventory, type InventoryNode, type NetworkSettings, SECRET_NAMES, type Secrets } from '../runbooks/model.js';
import { generateSecrets, validateSecrets } from '../runbooks/secrets.js';
import { randomUUID } from 'node:crypto';
import { SecretCipher, secretAssociatedData } from './secret-cipher.js';

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

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly environments: EnvironmentRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async create(input: EnvironmentInput): Promise<EnvironmentView> {
    const secrets = { ...generateSecrets(), ...(input.secrets ?? {}) };
    this.validate(input, secrets, true);
    // The id is chosen here: each secret is sealed bound to it.
    const id = randomUUID();
    try {
      const stored = await this.environments.create(
        id,
        input.name,
        { description: input.description, network: input.network, trustOnFirstUse: input.trustOnFirstUse ?? false, nodes: input.nodes },
        this.encrypt(id, secrets),
      );
      return toView(stored);
    } catch (error) {
      if (error instanceof UniqueViolation) throw new InputError([`name: an environment named "${input.name}" already exists`]);
      throw error;
    }
  }

  /** Replaces the inventory; secrets given are replaced, the others kept. Pinned host keys survive unless changed. */
  async update(name: string, input: Omit<EnvironmentInput, 'name'>): Promise<EnvironmentView> {
    const existing = await this.find(name);
    // Secrets sent again need not be readable: that is how values stored under another key are replaced.
    const current = await this.decryptSecrets(existing.id, Object.keys(input.secrets ?? {}));
    const secrets = { ...current, ...(input.secrets ?? {}) };
    this.validate({ ...input, name }, secrets, false);
    const pinned = new Map(existing.nodes.map((n) => [n.name, n.ssh.hostKeyFingerprint]));
    const nodes = input.nodes.map((node) => ({
      ...node,
      ssh: { ...node.ssh, hostKeyFingerprint: node.ssh.hostKeyFingerprint ?? pinned.get(node.name) ?? undefined },
    }));
    const stored = await this.environments
      .replace(
        existing.id,
        {
          description: input.description,
          network: input.network,
          trustOnFirstUse: input.trustOnFirstUse ?? existing.trustOnFirstUse,
          nodes,
        },
        this.encrypt(existing.id, input.secrets ?? {}),
      )
      .catch((error) => {
        throw busy(error, name);
      });
    return toView(stored);
  }

  /** Deletes an idle environment with its nodes, secrets and deployment history; what went with it, for the audit trail. */
  async remove(name: string): Promise<{ nodes: string[]; secrets: string[]; deployments: number }> {
    const existing = await this.find(name);
    const { deployments } = await this.environments.remove(existing.id).catch((error) => {
      throw busy(error, name);
    });
    return { nodes: existing.nodes.map((node) => node.name), secrets: existing.secretNames, deployments };
  }

  async get(name: string): Promise<EnvironmentView> {
    return toView(await this.find(name));
  }

  async list(): Promise<EnvironmentView[]> {
    return (await this.environments.list()).map(toView);
  }

  async loadForDeployment(idOrName: { id?: string; name?: string }): Promise<EnvironmentForDeployment> {
    const stored = idOrName.id ? await this.environments.findById(idOrName.id) : await this.environments.findByName(idOrName.name ?? '');
    if (!stored) throw new NotFoundError(`environment ${idOrName.name ?? idOrName.id} does not exist`);
    const all = await this.decryptSecrets(stored.id);
    const { [SSH_PRIVATE_KEY]: sshPrivateKey, ...rest } = all;
    return {
      id: stored.id,
      name: stored.name,
      inventory: { environment: stored.name, nodes: stored.nodes, network: stored.network },
      secrets: Object.fromEntries(SECRET_NAMES.map((n) => [n, rest[n] ?? ''])) as Secrets,
      sshPrivateKey: sshPrivateKey ?? '',
      trustOnFirstUse: stored.trustOnFirstUse,
    };
  }

  /** Every secret value of an environment (runbook secrets and the SSH key), for writers that must mask or refuse them. */
  async secretValues(environmentId: string): Promise<string[]> {
    // Only the secrets: every JIRA and Confluence event job asks, and the nodes are not needed for masking.
    const values = Object.values(await this.decryptSecrets(environmentId)).filter((value) => value.length > 0);
    // Every environment keeps at least its SSH key: none at all means the environment is gone.
    if (values.length === 0 && !(await this.environments.findById(environmentId)))
      throw new NotFoundError(`environment ${environmentId} does not exist`);
    return values;
  }

  /** Trust-on-first-use: the key a node presented is pinned from now on. */
  async recordHostKey(environmentId: string, nodeName: string, fingerprint: string): Promise<void> {
    await this.environments.pinHostKey(environmentId, nodeName, fingerprint);
  }

  private async find(name: string): Promise<StoredEnvironment> {
    const stored = await this.environments.findByName(name);
    if (!stored) throw new NotFoundError(`environment ${name} does not exist`);
    return stored;
  }

  /** Each value sealed bound to its environment and name (AES-GCM associated data). */
  private encrypt(environmentId: string, secrets: Partial<Record<string, string>>): { name: string; ciphertext: string }[] {
    return Object.entries(secrets).map(([name, value]) => ({
      name,
      ciphertext: this.cipher.encrypt(value as string, secretAssociatedData(environmentId, name)),
    }));
  }

  /** The secrets in plain text; values stored before they were bound to their environment and name are sealed again. */
  private async decryptSecrets(environmentId: string, skip: string[] = []): Promise<Record<string, string>> {
    const rows = await this.environments.encryptedSecrets(environmentId, skip);
    const values: Record<string, string> = {};
    const unreadable: string[] = [];
    const legacy: { name: string; previous: string; ciphertext: string }[] = [];
    for (const row of rows) {
      try {
        const opened = this.cipher.open(row.ciphertext, secretAssociatedData(environmentId, row.name));
        values[row.name] = opened.plaintext;
        if (opened.legacy) legacy.push({ previous: row.ciphertext, ...this.encrypt(environmentId, { [row.name]: opened.plaintext })[0] });
      } catch {
        unreadable.push(row.name);
      }
    }
    if (unreadable.length > 0) {
      throw new InputError(
        unreadable.map(
          (name) =>
            `secrets.${name}: stored under a different OPSPRINT_SECRET_KEY, or not for this environment and name; set that key again or send this secret's value again`,
        ),
      );
    }
    if (legacy.length > 0) await this.environments.reseal(environmentId, legacy);
    return values;
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

/** A refusal because of an active deployment, as the API answers it (409); other errors unchanged. */
function busy(error: unknown, name: string): unknown {
  if (!(error instanceof ActiveDeploymentExists)) return error;
  return new ConflictError(
    `environment ${name} has an active deployment (${error.deploymentId}, ${error.status}); wait for it or cancel it before changing or deleting the environment`,
  );
}

function toView({ secretNames, ...stored }: StoredEnvironment): EnvironmentView {
  return { ...stored, secrets: secretNames };
}

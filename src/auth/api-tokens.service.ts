import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors.js';
import { Runtime } from '../config/runtime.js';
import type { ApiRole } from '../persistence/records.js';
import { ApiTokenRepository } from '../persistence/repositories/api-token.repository.js';
import { AuditRepository } from '../persistence/repositories/audit.repository.js';
import type { Principal } from './principal.js';

/** A token as listed: never its value, which only its creator saw once. */
export interface ApiTokenView {
  id: string;
  name: string;
  role: ApiRole;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const BOOTSTRAP_ADMIN_NAME = 'admin';
/** lastUsedAt is a hint for spotting unused tokens; refreshing it at most once a minute spares a write per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest();
const view = ({ id, name, role, createdAt, lastUsedAt, revokedAt }: ApiTokenView): ApiTokenView => ({
  id,
  name,
  role,
  createdAt,
  lastUsedAt,
  revokedAt,
});

/** Bearer tokens: the bootstrap admin token from the configuration, and tokens stored as SHA-256 hashes. */
@Injectable()
export class ApiTokensService {
  private readonly bootstrapHash: Buffer | undefined;

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditRepository,
    runtime: Runtime,
  ) {
    const bootstrapAdminToken = runtime.config.app.OPSPRINT_ADMIN_TOKEN;
    this.bootstrapHash = bootstrapAdminToken ? sha256(bootstrapAdminToken) : undefined;
  }

  /** The caller behind a presented token, or undefined when it is unknown or revoked. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const hash = sha256(token);
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) return { name: BOOTSTRAP_ADMIN_NAME, role: 'admin' };
    const row = await this.tokens.findByHash(hash.toString('hex'));
    if (!row || row.revokedAt) return undefined;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.tokens.touch(row.id);
    }
    return { name: row.name, role: row.role, tokenId: row.id };
  }

  /** A stored token that exists and is not revoked (sessions opened with it end when it is revoked). */
  async isActive(tokenId: string): Promise<boolean> {
    const row = await this.tokens.findById(tokenId);
    return !!row && !row.revokedAt;
  }

  /** True when no token at all could be accepted, so a 401 can say what to configure. */
  async noneConfigured(): Promise<boolean> {
    return !this.bootstrapHash && (await this.tokens.countActive()) === 0;
  }

  /** Creates a token; its value is returned here and never again. */
  async create(input: { name: string; role: ApiRole }, actor: string): Promise<ApiTokenView & { token: string }> {
    const token = `ops_${randomBytes(32).toString('base64url')}`;
    const row = await this.tokens.create({ name: input.name, role: input.role, tokenHash: sha256(token).toString('hex') });
    await this.audit.record(actor, 'token.create', row.id, { name: row.name, role: row.role });
    return { ...view(row), token };
  }

  async list(): Promise<ApiTokenView[]> {
    const rows = await this.tokens.list();
    return rows.map(view);
  }

  /** Revoking twice keeps the first revocation time. */
  async revoke(id: string, actor: string): Promise<ApiTokenView> {
    const row = await this.tokens.findById(id);
    if (!row) throw new NotFoundError(`token ${id} does not exist`);
    if (row.revokedAt) return view(row);
    const revoked = await this.tokens.revoke(id);
    await this.audit.record(actor, 'token.revoke', id, { name: row.name, role: row.role });
    return view(revoked);
  }
}

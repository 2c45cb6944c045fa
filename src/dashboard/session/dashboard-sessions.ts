import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiTokensService } from '../../auth/api-tokens.service.js';
import type { Principal } from '../../auth/principal.js';
import { KeyValueStore } from '../../infra/kv/key-value-store.js';

export const SESSION_COOKIE = 'opsprint_session';
/** A signed-in browser stays signed in for a working day. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface DashboardSession {
  principal: Principal;
  /** Sent back with every form; a page of another site cannot know it. */
  csrf: string;
  expiresAt: string;
}

const random = () => randomBytes(32).toString('base64url');
/** Sessions are stored under a hash of their id: reading Redis does not hand out cookies. */
const storeKey = (id: string) => `dashboard-session:${createHash('sha256').update(id).digest('hex')}`;

/**
 * Dashboard sign-in: a person pastes an API token once; the browser then holds an opaque
 * session id in an HttpOnly, SameSite=Strict cookie. The token itself is never stored, and a
 * session ends when its token is revoked.
 */
@Injectable()
export class DashboardSessions {
  constructor(
    private readonly tokens: ApiTokensService,
    private readonly store: KeyValueStore,
  ) {}

  /** The session id for the cookie, or undefined when the token is unknown or revoked. */
  async signIn(token: string): Promise<{ id: string; session: DashboardSession } | undefined> {
    const principal = await this.tokens.authenticate(token);
    if (!principal) return undefined;
    const id = random();
    const session: DashboardSession = {
      principal,
      csrf: random(),
      expiresAt: new Date(Date.now() + SESSION_TTL_SECONDS * 1000).toISOString(),
    };
    await this.store.put(storeKey(id), session, SESSION_TTL_SECONDS);
    return { id, session };
  }

  async find(id: string | undefined): Promise<DashboardSession | undefined> {
    if (!id || id.length > 100) return undefined;
    const session = await this.store.get<DashboardSession>(storeKey(id));
    if (!session) return undefined;
    if (session.principal.tokenId && !(await this.tokens.isActive(session.principal.tokenId))) {
      await this.store.delete(storeKey(id));
      return undefined;
    }
    return session;
  }

  async signOut(id: string | undefined): Promise<void> {
    if (id) await this.store.delete(storeKey(id));
  }
}

/** Constant-time comparison of a submitted CSRF token with the expected one. */
export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

export function newCsrfToken(): string {
  return random();
}

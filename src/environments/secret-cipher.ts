import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * AES-256-GCM for secrets at rest: `v2:<iv>:<tag>:<ciphertext>` (base64 parts), sealed with
 * associated data that names what the value is (the environment id and the secret's name), so a
 * ciphertext copied to another environment or name does not decrypt. `v1` values (no associated
 * data, written before) still decrypt; the caller seals them again as v2.
 */
export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  /** The plaintext, and whether it was sealed without associated data (v1) and should be sealed again. */
  open(sealed: string, associatedData: string): { plaintext: string; legacy: boolean } {
    const [version, iv, tag, body] = sealed.split(':');
    if ((version !== 'v1' && version !== 'v2') || !iv || !tag || body === undefined) throw new Error('secret is not in the v1/v2 format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    if (version === 'v2') decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      return { plaintext, legacy: version === 'v1' };
    } catch {
      throw new Error('secret cannot be decrypted: OPSPRINT_SECRET_KEY is not the key it was stored with, or it belongs to another secret');
    }
  }

  decrypt(sealed: string, associatedData: string): string {
    return this.open(sealed, associatedData).plaintext;
  }
}

/** What a secret's ciphertext is bound to: its environment and its name. */
export function secretAssociatedData(environmentId: string, name: string): string {
  return `opsprint-secret:${environmentId}:${name}`;
}

/** The configured key, or one generated once under the data directory (mode 0600) for local use. */
export function loadSecretKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  const file = path.join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

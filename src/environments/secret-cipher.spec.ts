import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher.js';

describe('SecretCipher', () => {
  const key = randomBytes(32);
  const cipher = new SecretCipher(key);

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.encrypt('s3cr3t-value', 'env-1:ADMIN_PASS');
    expect(sealed).toMatch(/^v2:/);
    expect(sealed).not.toContain('s3cr3t');
    expect(cipher.decrypt(sealed, 'env-1:ADMIN_PASS')).toBe('s3cr3t-value');
    expect(cipher.encrypt('s3cr3t-value', 'env-1:ADMIN_PASS')).not.toBe(sealed);
  });

  it('refuses a value sealed for another environment or name, a tampered value or the wrong key, with a clear message', () => {
    const sealed = cipher.encrypt('x', 'env-1:ADMIN_PASS');
    expect(() => cipher.decrypt(sealed, 'env-2:ADMIN_PASS')).toThrow(/another secret/);
    expect(() => cipher.decrypt(sealed, 'env-1:DEMO_PASS')).toThrow(/another secret/);
    expect(() => new SecretCipher(randomBytes(32)).decrypt(sealed, 'env-1:ADMIN_PASS')).toThrow(/OPSPRINT_SECRET_KEY/);
    expect(() => cipher.decrypt('garbage', 'env-1:ADMIN_PASS')).toThrow(/v1\/v2 format/);
  });

  it('still opens a v1 value (no associated data) and says it is legacy', () => {
    const iv = randomBytes(12);
    const legacy = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([legacy.update('old', 'utf8'), legacy.final()]);
    const v1 = ['v1', iv.toString('base64'), legacy.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    expect(cipher.open(v1, 'env-1:ADMIN_PASS')).toEqual({ plaintext: 'old', legacy: true });
  });
});

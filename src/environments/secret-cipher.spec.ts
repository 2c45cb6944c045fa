import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher.js';

describe('SecretCipher', () => {
  const cipher = new SecretCipher(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.encrypt('s3cr3t-value');
    expect(sealed).not.toContain('s3cr3t');
    expect(cipher.decrypt(sealed)).toBe('s3cr3t-value');
    expect(cipher.encrypt('s3cr3t-value')).not.toBe(sealed);
  });

  it('refuses a tampered value or the wrong key with a clear message', () => {
    const sealed = cipher.encrypt('x');
    expect(() => new SecretCipher(randomBytes(32)).decrypt(sealed)).toThrow(/OPSPRINT_SECRET_KEY/);
    expect(() => cipher.decrypt('garbage')).toThrow(/v1 format/);
  });
});

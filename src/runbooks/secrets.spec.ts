import { describe, expect, it } from '@jest/globals';
import { SECRET_NAMES } from './model.js';
import { MASK, SecretsError, assertCompleteSecrets, generateSecrets, maskSecrets, validateSecrets } from './secrets.js';

describe('generateSecrets', () => {
  it('generates a 20-hex-digit value (openssl rand -hex 10) for every name', () => {
    const secrets = generateSecrets();
    expect(Object.keys(secrets).sort()).toEqual([...SECRET_NAMES].sort());
    for (const value of Object.values(secrets)) expect(value).toMatch(/^[0-9a-f]{20}$/);
    expect(new Set(Object.values(secrets)).size).toBe(SECRET_NAMES.length);
  });

  it('differs between two calls', () => {
    const a = generateSecrets();
    const b = generateSecrets();
    for (const name of SECRET_NAMES) expect(a[name]).not.toBe(b[name]);
  });

  it('uses the injected source of randomness', () => {
    let n = 0;
    const secrets = generateSecrets((bytes) => `fixed${bytes}x${n++}`);
    expect(secrets.ADMIN_TOKEN).toBe('fixed10x0');
  });

  it('refuses a random source that yields unusable values', () => {
    expect(() => generateSecrets(() => 'admin')).toThrow(SecretsError);
  });
});

describe('validateSecrets', () => {
  it('names missing secrets, seed demo values and unsafe characters', () => {
    const secrets: Record<string, string> = { ...generateSecrets() };
    delete secrets.RABBIT_PASS;
    secrets.ADMIN_PASS = 'admin';
    secrets.GLANCE_PASS = 'pass word@host';
    secrets.ADMIN_TOKEN = '863d35676a5632e846d9';
    expect(validateSecrets(secrets)).toEqual([
      'secrets.ADMIN_TOKEN is a demo value from the seed notes; generate a real secret',
      'secrets.RABBIT_PASS is missing',
      'secrets.ADMIN_PASS is a demo value from the seed notes; generate a real secret',
      "secrets.GLANCE_PASS must be at least 8 letters, digits, '-' or '_' (it is embedded in URLs and config files)",
    ]);
    expect(() => assertCompleteSecrets(secrets)).toThrow(/RABBIT_PASS is missing/);
  });
});

describe('maskSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    const secrets = generateSecrets();
    const text = `connection = mysql://keystone:${secrets.KEYSTONE_DBPASS}@10.0.0.1/keystone\nadmin_token = ${secrets.ADMIN_TOKEN} ${secrets.ADMIN_TOKEN}`;
    expect(maskSecrets(text, secrets)).toBe(`connection = mysql://keystone:${MASK}@10.0.0.1/keystone\nadmin_token = ${MASK} ${MASK}`);
  });

  it('masks the longest secret first so no tail of it survives', () => {
    const masked = maskSecrets('token=abcdef12345678', { ADMIN_TOKEN: 'abcdef12345678', DEMO_PASS: 'abcdef12' });
    expect(masked).toBe(`token=${MASK}`);
  });
});

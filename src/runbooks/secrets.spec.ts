import { describe, expect, it } from '@jest/globals';
import { type Runbook, SECRET_NAMES } from './model.js';
import { exampleInventory } from './openstack-liberty/example-inventory.js';
import { describePlan, planDeployment } from './plan.js';
import { sha256 } from './plan-step.js';
import {
  MASK,
  SecretsError,
  assertCompleteSecrets,
  derivedSecrets,
  generateSecrets,
  maskedValues,
  maskSecrets,
  sensitiveValues,
  validateSecrets,
} from './secrets.js';

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

describe('derived secrets', () => {
  const secrets = generateSecrets();
  const runbook: Runbook = {
    key: 'r',
    version: '1',
    title: 'r',
    phases: [
      {
        key: 'p',
        title: 'p',
        goal: 'p',
        dependsOn: [],
        on: ['controller'],
        stories: [
          {
            key: 's',
            title: 's',
            userStory: 'u',
            acceptanceCriteria: [],
            steps: [
              {
                kind: 'file',
                key: 'secret',
                title: 't',
                path: '/etc/a.conf',
                content: (ctx) => `pass=${ctx.secrets.ADMIN_PASS}\n`,
                language: 'ini',
                mode: '0600',
                owner: 'root',
                group: 'root',
              },
              {
                kind: 'file',
                key: 'plain',
                title: 't',
                path: '/etc/b.conf',
                content: 'verbose=1\n',
                language: 'ini',
                mode: '0644',
                owner: 'root',
                group: 'root',
              },
            ],
          },
        ],
      },
    ],
  };
  const steps = planDeployment(runbook, exampleInventory(), secrets).phases[0].steps;
  const [secretFile, plainFile] = [steps[0].file!, steps[1].file!];

  it('hides the plain hash of a file holding a secret and shows the hash of its masked rendering instead', () => {
    expect(secretFile.holdsSecret).toBe(true);
    expect(secretFile.sha256).toBe(sha256(`pass=${secrets.ADMIN_PASS}\n`));
    expect(secretFile.digest).toBe(sha256(`pass=${MASK}\n`));
    expect(derivedSecrets(steps)).toEqual([secretFile.sha256]);
    const masked = maskSecrets(
      `${steps[0].guard}\n${describePlan(planDeployment(runbook, exampleInventory(), secrets), secrets)}`,
      maskedValues(secrets, steps),
    );
    expect(masked).not.toContain(secretFile.sha256);
    expect(masked).toContain(secretFile.digest);
  });

  it('keeps the plain hash of a file without secrets', () => {
    expect(plainFile).toMatchObject({ holdsSecret: false, sha256: sha256('verbose=1\n'), digest: sha256('verbose=1\n') });
    expect(maskSecrets(steps[1].guard!, maskedValues(secrets, steps))).toContain(plainFile.sha256);
  });

  it('finds the values of sensitive columns', () => {
    expect(sensitiveValues([{ id: 'abc', expires: 'x' }, { id: ' ' }], ['id'])).toEqual(['abc']);
  });

  it('finds the value of a query parameter of a URL column (Column?name), not the whole URL', () => {
    const rows = [{ Url: 'http://10.0.0.11:6080/vnc_auto.html?token=2ec7-ad2a&lang=en' }, { Url: 'http://10.0.0.11:6080/' }];
    expect(sensitiveValues(rows, ['Url?token'])).toEqual(['2ec7-ad2a']);
  });
});

import { randomBytes } from 'node:crypto';
import { type PlannedStep, SECRET_NAMES, type Secrets } from './model.js';

/** Bytes per secret: the seed makes its admin token with `openssl rand -hex 10`. */
const SECRET_BYTES = 10;
/** Secrets end up in database URLs, INI files and shell words: keep them to URL-safe characters. */
const SECRET_CHARACTERS = /^[A-Za-z0-9_-]{8,}$/;
/** Values printed in the seed's notes; an environment using one of them is not secret at all. */
const SEED_DEMO_VALUES = new Set([
  '863d35676a5632e846d9',
  '123456',
  'keystone',
  'glance',
  'nova',
  'neutron',
  'cinder',
  'openstack',
  'admin',
  'demo',
  'guest',
]);

export const MASK = '********';

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** A fresh secret per name; `random` is injectable so callers can use their own source of entropy. */
export function generateSecrets(random: (bytes: number) => string = randomHex): Secrets {
  const secrets = {} as Secrets;
  for (const name of SECRET_NAMES) secrets[name] = random(SECRET_BYTES);
  assertCompleteSecrets(secrets);
  return secrets;
}

export function validateSecrets(secrets: Partial<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const name of SECRET_NAMES) {
    const value = secrets[name];
    if (typeof value !== 'string' || value === '') {
      problems.push(`secrets.${name} is missing`);
    } else if (SEED_DEMO_VALUES.has(value.toLowerCase())) {
      problems.push(`secrets.${name} is a demo value from the seed notes; generate a real secret`);
    } else if (!SECRET_CHARACTERS.test(value)) {
      problems.push(`secrets.${name} must be at least 8 letters, digits, '-' or '_' (it is embedded in URLs and config files)`);
    }
  }
  return problems;
}

export class SecretsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid secrets: ${problems.join('; ')}`);
    this.name = 'SecretsError';
  }
}

export function assertCompleteSecrets(secrets: Partial<Record<string, unknown>>): asserts secrets is Secrets {
  const problems = validateSecrets(secrets);
  if (problems.length > 0) throw new SecretsError(problems);
}

/** Replace every secret value in `text` by ********; longest first so a secret containing another is fully hidden. */
export function maskSecrets(text: string, secrets: Partial<Record<string, string>> | readonly string[]): string {
  const values = [...new Set(Object.values(secrets).filter((v): v is string => typeof v === 'string' && v.length > 0))];
  values.sort((a, b) => b.length - a.length);
  let masked = text;
  for (const value of values) masked = masked.split(value).join(MASK);
  return masked;
}

/**
 * Values derived from secrets that must be masked like them: the plain SHA-256 of every rendered
 * file that holds a secret (the guard compares it on the host; shown, it lets anyone test guesses
 * of the secret offline).
 */
export function derivedSecrets(steps: readonly PlannedStep[]): string[] {
  return [...new Set(steps.flatMap((step) => (step.file?.holdsSecret ? [step.file.sha256] : [])))];
}

/** The secrets of an environment plus the values derived from them in `steps`, for maskSecrets. */
export function maskedValues(secrets: Partial<Record<string, string>>, steps: readonly PlannedStep[]): string[] {
  return [...Object.values(secrets).filter((v): v is string => typeof v === 'string'), ...derivedSecrets(steps)];
}

/**
 * The values of the `sensitive` columns of a verification table's rows, to be masked wherever the
 * step's output goes. `Column?name` stands for the value of the query parameter `name` in a URL
 * held by the column (the `token` of a noVNC console URL), so the rest of the URL stays readable.
 */
export function sensitiveValues(rows: readonly Record<string, string>[], columns: readonly string[] = []): string[] {
  const cellValue = (row: Record<string, string>, column: string): string => {
    const [name, parameter] = column.split('?', 2);
    const cell = row[name] ?? '';
    if (parameter === undefined) return cell;
    return new RegExp(`[?&]${parameter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^&#\\s]+)`).exec(cell)?.[1] ?? '';
  };
  return [...new Set(rows.flatMap((row) => columns.map((column) => cellValue(row, column))).filter((value) => value.trim().length > 0))];
}

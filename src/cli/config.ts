import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './exit-codes.js';

/** Where `opsprint login` keeps the service URL and the token: only the user may read it. */
export interface StoredLogin {
  url: string;
  token: string;
}

export interface Connection {
  url: string;
  token: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OPSPRINT_CONFIG) return path.resolve(env.OPSPRINT_CONFIG);
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(os.homedir(), '.config');
  return path.join(base, 'opsprint', 'config.json');
}

export async function readStoredLogin(file = configPath()): Promise<Partial<StoredLogin>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.auth);
  }
  const mode = (await stat(file)).mode & 0o777;
  // Like ssh with a private key: say so when others can read the token.
  if (mode & 0o077)
    process.stderr.write(`opsprint: warning: ${file} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it\n`);
  try {
    const parsed = JSON.parse(text) as Partial<StoredLogin>;
    return {
      url: typeof parsed.url === 'string' ? parsed.url : undefined,
      token: typeof parsed.token === 'string' ? parsed.token : undefined,
    };
  } catch {
    throw new CliError(`${file} is not valid JSON; run \`opsprint login\` again`, EXIT.auth);
  }
}

export async function writeStoredLogin(login: StoredLogin, file = configPath()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies to new files only; an existing file keeps its mode otherwise.
  await chmod(file, 0o600);
}

export async function forgetStoredLogin(file = configPath()): Promise<boolean> {
  try {
    await stat(file);
  } catch {
    return false;
  }
  await rm(file);
  return true;
}

/** A URL the CLI can call: http(s), no trailing slash. */
export function normalizeUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`"${value}" is not a URL; expected e.g. http://opsprint.internal:3000`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`"${value}" is not an http(s) URL`, EXIT.usage);
  return url.toString().replace(/\/+$/, '');
}

/** The --url flag, then OPSPRINT_URL / OPSPRINT_TOKEN, then what `opsprint login` stored. */
export async function resolveConnection(flags: { url?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const stored = await readStoredLogin(configPath(env));
  const url = flags.url ?? env.OPSPRINT_URL ?? stored.url;
  const token = env.OPSPRINT_TOKEN ?? stored.token;
  if (!url || !token) {
    throw new CliError('not logged in: run `opsprint login --url <service URL>` (or set OPSPRINT_URL and OPSPRINT_TOKEN)', EXIT.auth);
  }
  // A pasted token with a line break or space would otherwise fail as an odd network error.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CliError(
      `the token from ${env.OPSPRINT_TOKEN ? 'OPSPRINT_TOKEN' : configPath(env)} contains spaces or other characters no token has`,
      EXIT.auth,
    );
  }
  return { url: normalizeUrl(url), token };
}

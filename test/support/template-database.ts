import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/**
 * Migrate once, clone per test file. The global setup migrates an empty database into
 * `opsprint_template_<hash>` (the hash covers every migration, the migrator and this file, so a changed
 * migration makes a new template) and each test file gets `CREATE DATABASE … TEMPLATE` of it.
 * The template refuses connections, so nothing can hold it open while a clone is taken.
 */

const TCP_URL = 'postgresql://postgres@127.0.0.1:5432/test';
/** The same server through its Unix socket (Debian's socket folder), where the server lets us in that way. */
const SOCKET_URL = 'postgresql://postgres@localhost/test?host=/var/run/postgresql';

/**
 * The real PostgreSQL the tests talk to (.ci/run makes sure it runs on 127.0.0.1:5432); its database
 * is the maintenance one. The global setup chooses the URL once (see chooseTestDatabaseUrl) and
 * hands it to the workers in TEST_DATABASE_URL.
 */
export const TEST_DATABASE_BASE_URL = process.env.TEST_DATABASE_URL ?? TCP_URL;

/** `url` with `?schema=` (a PostgreSQL schema of that database, see splitSchema) set to `schema`. */
export function withSchema(url: string, schema: string): string {
  const withIt = new URL(url);
  withIt.searchParams.set('schema', schema);
  return withIt.toString();
}

/**
 * The same database over TCP: for tests that put a proxy or relay between the service and
 * PostgreSQL. A URL through the socket (chosen by chooseTestDatabaseUrl) becomes 127.0.0.1:5432.
 */
export function overTcp(url: string): string {
  const tcp = new URL(url);
  if (!tcp.searchParams.has('host')) return url;
  tcp.searchParams.delete('host');
  const base = new URL(TCP_URL);
  tcp.hostname = base.hostname;
  tcp.port = base.port;
  return tcp.toString();
}

async function serverIdentity(connectionString: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return (await client.query('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0].id;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The server on 127.0.0.1:5432 through its Unix socket when the socket reaches that same server
 * and lets us in (Debian's default asks for peer authentication there: then TCP). A query over the
 * socket costs the client about a fifth less CPU and the server about a third less than over
 * loopback TCP, and a full deployment in a test makes some 700. TEST_DATABASE_URL, when set, wins.
 */
export async function chooseTestDatabaseUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const [viaTcp, viaSocket] = await Promise.all([serverIdentity(TCP_URL), serverIdentity(SOCKET_URL)]);
  return viaSocket !== undefined && viaSocket === viaTcp ? SOCKET_URL : TCP_URL;
}

export const TEMPLATE_PREFIX = 'opsprint_template_';
export const CLONE_PREFIX = 'opsprint_t_';
/** Set by the global setup: the clones of one `npm test` run are named after it and dropped by the global teardown. */
export const RUN_ENV = 'OPSPRINT_TEST_RUN';

/** The migrator's defaultMigrationsDir(), without loading Prisma into Jest's parent process (2-3 s here) when the template exists. */
const MIGRATIONS_DIR = path.resolve(process.cwd(), 'prisma', 'migrations');

// Only has to differ from the migrator's key; taken on the maintenance database by every run.
const TEMPLATE_LOCK_KEY = 72_707_115;
/** A template no run has used for this long belongs to a branch nobody is testing. */
const STALE_TEMPLATE_MS = 60 * 60 * 1000;
/** A clone this old was left by a run that was killed before its teardown. */
const STALE_CLONE_MS = 12 * 60 * 60 * 1000;

export async function migrationsHash(migrationsDir = MIGRATIONS_DIR): Promise<string> {
  const hash = createHash('sha256');
  // How a template is built is part of what it is.
  for (const file of ['src/persistence/migrator.ts', 'test/support/template-database.ts']) {
    hash.update(await readFile(path.resolve(process.cwd(), file)));
  }
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  for (const name of names) {
    hash.update(`\0${name}\0`);
    hash.update(await readFile(path.join(migrationsDir, name, 'migration.sql')));
  }
  return hash.digest('hex').slice(0, 16);
}

export async function templateName(): Promise<string> {
  return `${TEMPLATE_PREFIX}${await migrationsHash()}`;
}

/** The base URL pointing at another database on the same server. */
export function databaseUrl(database: string): string {
  const url = new URL(TEST_DATABASE_BASE_URL);
  url.pathname = `/${database}`;
  url.searchParams.delete('schema');
  return url.toString();
}

export async function withMaintenanceClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(TEST_DATABASE_BASE_URL);
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
}

/** Makes sure the template for the current migrations exists (building it under a lock if not) and returns its name. */
export async function ensureTemplate(): Promise<string> {
  const template = await templateName();
  await withMaintenanceClient(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      if (!(await databaseExists(client, template))) {
        // Built under another name and renamed when complete: a run that dies half-way leaves no half-built template.
        const building = `${template}_b${randomBytes(3).toString('hex')}`;
        await client.query(`CREATE DATABASE "${building}" TEMPLATE template0`);
        try {
          const { migrate } = await import('../../src/persistence/migrator.js');
          await migrate(databaseUrl(building), MIGRATIONS_DIR);
          await retryWhileInUse(() => client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`));
        } catch (error) {
          await client.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
          throw error;
        }
        await client.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      }
      // When it was last used, so that other runs know it is not stale.
      await client.query(`COMMENT ON DATABASE "${template}" IS '${new Date().toISOString()}'`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}

/**
 * Drops templates of other migration sets that no run used for an hour (another branch's run
 * may still be cloning from its own), and clones left behind by killed runs.
 */
export async function dropStaleDatabases(current: string): Promise<string[]> {
  return withMaintenanceClient(async (client) => {
    // The lock keeps a template that another run is building (under a temporary name) out of reach.
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    const dropped: string[] = [];
    const rows = await client.query<{ datname: string; used: string | null }>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS used FROM pg_database WHERE datname LIKE 'opsprint\\_t%'`,
    );
    const now = Date.now();
    for (const { datname, used } of rows.rows) {
      if (datname === current) continue;
      if (datname.startsWith(TEMPLATE_PREFIX)) {
        const lastUsed = used ? Date.parse(used) : Number.NaN;
        if (now - lastUsed < STALE_TEMPLATE_MS) continue;
        await client.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`);
        // No FORCE: a clone being taken from it right now keeps it.
        await client.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
        dropped.push(datname);
      } else if (datname.startsWith(CLONE_PREFIX)) {
        const created = Number.parseInt(datname.slice(CLONE_PREFIX.length).split('_')[0], 36);
        if (!(now - created > STALE_CLONE_MS)) continue;
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        dropped.push(datname);
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    return dropped;
  });
}

/** A new run id: the start time (base 36, so stale clones can be told by their name), `_`, a random part. */
export function newRunId(): string {
  return `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
}

/** A database of its own for one test file, cloned from the template (rebuilt if another run dropped it meanwhile). */
export async function cloneTemplate(): Promise<{ name: string; url: string }> {
  const run = process.env[RUN_ENV] ?? newRunId();
  const name = `${CLONE_PREFIX}${run}_${randomBytes(4).toString('hex')}`;
  let template = await templateName();
  await withMaintenanceClient(async (client) => {
    try {
      await retryWhileInUse(() => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    } catch (error) {
      if ((error as { code?: string }).code !== '3D000') throw error; // invalid_catalog_name: no template yet
      template = await ensureTemplate();
      await retryWhileInUse(() => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
    }
  });
  return { name, url: databaseUrl(name) };
}

/** Drops databases at once; concurrent DROP DATABASEs share PostgreSQL's checkpoint, so many cost about one. */
export async function dropDatabases(names: string[], parallel = 8): Promise<void> {
  for (let i = 0; i < names.length; i += parallel) {
    await Promise.all(
      names
        .slice(i, i + parallel)
        .map((name) => withMaintenanceClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
    );
  }
}

export async function clonesOfRun(run: string): Promise<string[]> {
  return withMaintenanceClient(async (client) => {
    const rows = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      `${CLONE_PREFIX}${run}_`,
    ]);
    return rows.rows.map((row) => row.datname);
  });
}

/**
 * CREATE DATABASE … TEMPLATE and RENAME fail with object_in_use (55006) while another session is
 * connected to the source; PostgreSQL already waits 5 s for such sessions to go, this waits longer.
 */
async function retryWhileInUse<T>(action: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt)); // a back-off between attempts, not a wait for an event
    }
  }
}

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Runtime } from '../../src/config/runtime.js';
import { migrate } from '../../src/persistence/migrator.js';
import { PrismaService, splitSchema } from '../../src/persistence/prisma.service.js';
import { createTestDatabase, dropSchema, TEST_DATABASE_BASE_URL, type TestDatabase, withSchema } from '../support/database.js';

// Every other test file gets a clone of the template the global setup migrated; this one also
// migrates a schema from zero itself, the way a first start on an empty database does.
const freshSchema = `fresh_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const freshUrl = withSchema(TEST_DATABASE_BASE_URL, freshSchema);
const referenceSchema = `ref_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let fresh: PrismaService;
let clone: TestDatabase;
let client: pg.Client;
let cloneClient: pg.Client;
let reference: unknown;

beforeAll(async () => {
  client = new pg.Client({ connectionString: splitSchema(TEST_DATABASE_BASE_URL).connectionString });
  await client.connect();
  await client.query(`CREATE SCHEMA "${referenceSchema}"`);
  await client.query(`SET search_path TO "${referenceSchema}"`);
  await client.query(ddlFromSchemaPrisma().replace(/CREATE SCHEMA IF NOT EXISTS "public";/g, ''));
  await client.query('SET search_path TO public');
  reference = await describeSchema(client, referenceSchema);
  clone = await createTestDatabase();
  cloneClient = new pg.Client({ connectionString: clone.url });
  await cloneClient.connect();
});
afterAll(async () => {
  await fresh?.$disconnect();
  await cloneClient?.end();
  await client?.end();
  await dropSchema(withSchema(TEST_DATABASE_BASE_URL, referenceSchema));
  await dropSchema(freshUrl);
  await clone?.drop();
});

/** Prisma's own DDL for schema.prisma as it stands now (WASM schema engine, offline). */
function ddlFromSchemaPrisma(): string {
  return execFileSync(
    process.execPath,
    ['scripts/prisma-generate.mjs', 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
    {
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_BASE_URL },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/** Tables, columns, enums and indexes of one schema, with the schema name taken out. */
async function describeSchema(client: pg.Client, schema: string): Promise<unknown> {
  const columns = await client.query(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`,
    [schema],
  );
  const enums = await client.query(
    `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
    [schema],
  );
  const indexes = await client.query(
    `SELECT indexname, indexdef AS def FROM pg_indexes
      WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    [schema],
  );
  const constraints = await client.query(
    `SELECT conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND conrelid::regclass::text NOT LIKE '%_prisma_migrations%'
      ORDER BY conname`,
    [schema],
  );
  const strip = (value: unknown) => (typeof value === 'string' ? value.replaceAll(`"${schema}".`, '').replaceAll(`${schema}.`, '') : value);
  return {
    columns: columns.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, strip(v)]))),
    enums: enums.rows,
    indexes: indexes.rows.map((row) => ({ indexname: row.indexname, def: strip(row.def) })),
    constraints: constraints.rows.map((row) => ({ conname: row.conname, def: strip(row.def) })),
  };
}

describe('migrations', () => {
  it('a database migrated from zero matches schema.prisma', async () => {
    const first = await migrate(freshUrl);
    expect(first.alreadyApplied).toEqual([]);
    const migrated = (await describeSchema(client, freshSchema)) as { columns: unknown[] };
    expect(migrated.columns.length).toBeGreaterThan(50);
    expect(migrated).toEqual(reference);
  });

  it('the template the test files clone matches schema.prisma too, with the same migrations recorded', async () => {
    expect(await describeSchema(cloneClient, 'public')).toEqual(reference);
    const query = 'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name';
    const inClone = await cloneClient.query(query);
    const inFresh = await client.query(query.replace('"_prisma_migrations"', `"${freshSchema}"."_prisma_migrations"`));
    expect(inClone.rows).toEqual(inFresh.rows);
    expect(inClone.rows.length).toBeGreaterThan(0);
  });

  it('records the migrations the way prisma migrate deploy does, and re-running applies nothing', async () => {
    const again = await migrate(freshUrl);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const rows = await client.query(
      `SELECT migration_name, checksum, finished_at FROM "${freshSchema}"."_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.rows.map((r) => r.migration_name)).toEqual(again.alreadyApplied);
    for (const row of rows.rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('the Prisma client reads and writes through the migrated schema', async () => {
    fresh = new PrismaService({ databaseUrl: freshUrl, databaseMaxConnections: 2 } as Runtime);
    const name = `lab-${freshSchema}`;
    const env = await fresh.environment.create({
      data: {
        name,
        network: { managementCidr: '192.168.56.0/24' },
        nodes: {
          create: [
            {
              name: 'linux-node1.example.com',
              roles: ['controller'],
              managementIp: '192.168.56.11',
              providerInterface: 'eth0',
              sshHost: '127.0.0.1',
            },
          ],
        },
      },
      include: { nodes: true },
    });
    expect(env.nodes[0].roles).toEqual(['controller']);
    await expect(fresh.environment.create({ data: { name, network: {} } })).rejects.toThrow(/Unique constraint/);
    const inSchema = await client.query(`SELECT count(*)::int AS n FROM "${freshSchema}"."Environment" WHERE name = $1`, [name]);
    expect(inSchema.rows[0].n).toBe(1);
    // The test database is shared: "public" may hold tables of someone's unscoped run, but never this row.
    const inPublic = await client.query(`SELECT to_regclass('public."Environment"') AS t`);
    if (inPublic.rows[0].t !== null) {
      expect((await client.query('SELECT count(*)::int AS n FROM public."Environment" WHERE name = $1', [name])).rows[0].n).toBe(0);
    }
  });
});

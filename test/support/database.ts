import pg from 'pg';
import type { Runtime } from '../../src/config/runtime.js';
import { PrismaService, splitSchema } from '../../src/persistence/prisma.service.js';
import { cloneTemplate, dropDatabases, overTcp, RUN_ENV, TEST_DATABASE_BASE_URL, withSchema } from './template-database.js';

export { TEST_DATABASE_BASE_URL, withSchema };

export interface TestDatabase {
  url: string;
  /** The same database over TCP, where `url` may be the Unix socket: for a proxy or relay in between. */
  tcpUrl: string;
  schema: string;
  /** The service's own client class, so repositories can be built on it in tests. */
  prisma: PrismaService;
  drop(): Promise<void>;
}

/**
 * A database of its own per test file, cloned from the template the global setup migrated once
 * (test/support/template-database.ts), so runs never collide. test/persistence proves that a
 * database migrated from zero matches schema.prisma and that the template does too.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { name, url } = await cloneTemplate();
  const prisma = new PrismaService({ databaseUrl: url, databaseMaxConnections: 5 } as Runtime);
  return {
    url,
    tcpUrl: overTcp(url),
    schema: 'public',
    prisma,
    async drop() {
      await prisma.$disconnect();
      // Under `npm test` the global teardown drops the run's clones together: DROP DATABASE waits
      // for a checkpoint, which concurrent drops share (one by one they cost ~0.5-1 s each here).
      if (!process.env[RUN_ENV]) await dropDatabases([name]);
    },
  };
}

/** Drops the schema named in `url` (tests that let a started process migrate a schema of the test database from zero). */
export async function dropSchema(url: string): Promise<void> {
  const { connectionString, schema } = splitSchema(url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Runtime } from '../../src/config/runtime.js';
import { migrate } from '../../src/persistence/migrator.js';
import { PrismaService, splitSchema } from '../../src/persistence/prisma.service.js';

/** The real PostgreSQL the tests talk to (.ci/run makes sure it runs). */
export const TEST_DATABASE_BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  schema: string;
  /** The service's own client class, so repositories can be built on it in tests. */
  prisma: PrismaService;
  drop(): Promise<void>;
}

/** A fresh schema per test file, migrated from zero, so runs never collide. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_BASE_URL}${TEST_DATABASE_BASE_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  await migrate(url);
  const prisma = new PrismaService({ databaseUrl: url, databaseMaxConnections: 5 } as Runtime);
  return {
    url,
    schema,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await dropSchema(url);
    },
  };
}

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

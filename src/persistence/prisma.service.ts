import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

/**
 * Builds a Prisma client over the pg driver adapter (the engine-free client: Prisma's native
 * engines cannot be downloaded here, see ../shared/notes/toolchain.md). A `?schema=` parameter
 * selects a PostgreSQL schema, which the tests use to isolate runs from each other.
 */
export function createPrismaClient(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  const { connectionString, schema } = splitSchema(databaseUrl);
  const adapter = new PrismaPg(
    { connectionString, max: options.max ?? 10, options: schema ? `-c search_path="${schema}"` : undefined },
    schema ? { schema } : undefined,
  );
  return new PrismaClient({ adapter });
}

export function splitSchema(databaseUrl: string): { connectionString: string; schema?: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL: schema "${schema}" is not a valid PostgreSQL identifier`);
  }
  return { connectionString: url.toString(), schema };
}

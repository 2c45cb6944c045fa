import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { Runtime } from '../config/runtime.js';

/**
 * Builds a Prisma client over the pg driver adapter (the engine-free client: Prisma's native
 * engines cannot be downloaded here, see ../shared/notes/toolchain.md). A `?schema=` parameter
 * selects a PostgreSQL schema, for installations that share one database.
 */
export function createPrismaClient(databaseUrl: string, options: { max?: number } = {}): PrismaClient {
  return new PrismaClient({ adapter: pgAdapter(databaseUrl, options.max ?? 10) });
}

function pgAdapter(databaseUrl: string, max: number): PrismaPg {
  const { connectionString, schema } = splitSchema(databaseUrl);
  return new PrismaPg(
    { connectionString, max, options: schema ? `-c search_path="${schema}"` : undefined },
    schema ? { schema } : undefined,
  );
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

/** The one database client of a process; only repositories use it. Closed last, after the queues. */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(runtime: Runtime) {
    super({ adapter: pgAdapter(runtime.databaseUrl, runtime.databaseMaxConnections ?? 10) });
  }

  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

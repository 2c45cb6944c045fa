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
  return new ReleasingPrismaPg(
    { connectionString, max, options: schema ? `-c search_path="${schema}"` : undefined },
    schema ? { schema } : undefined,
  );
}

type PgTransaction = Awaited<ReturnType<Awaited<ReturnType<PrismaPg['connect']>>['startTransaction']>>;

/**
 * PrismaPg whose transactions give their pooled connection back when COMMIT or ROLLBACK fails.
 * Prisma's client engine (6.19) runs `COMMIT`/`ROLLBACK` and only then calls the adapter's
 * commit()/rollback(), which release the connection. When the connection died mid-transaction
 * (PostgreSQL restarted, a network cut) that query throws, the release never happens, and the
 * dead connection keeps its pool slot for good: after `max` such transactions every query waits
 * forever, and $disconnect() (pg's pool.end(), which waits for every checked-out connection)
 * never returns, so the service could not shut down after an outage.
 */
class ReleasingPrismaPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => releaseWhenEndFails(await startTransaction(isolationLevel));
    return adapter;
  }
}

function releaseWhenEndFails(transaction: PgTransaction): PgTransaction {
  // The adapter's own fields (pg-adapter 6.19): the checked-out pg client and its error-listener cleanup.
  const internals = transaction as unknown as { client?: { release(error?: Error): void }; cleanup?: () => void };
  const executeRaw = transaction.executeRaw.bind(transaction);
  const commit = transaction.commit.bind(transaction);
  const rollback = transaction.rollback.bind(transaction);
  let released = false;
  transaction.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!released && (query.sql === 'COMMIT' || query.sql === 'ROLLBACK') && internals.client) {
        released = true;
        internals.cleanup?.();
        // With an error, pg drops the connection from the pool instead of reusing it.
        internals.client.release(error instanceof Error ? error : new Error(String(error)));
      }
      throw error;
    }
  };
  transaction.commit = async () => {
    if (released) return;
    released = true;
    await commit();
  };
  transaction.rollback = async () => {
    if (released) return;
    released = true;
    await rollback();
  };
  return transaction;
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

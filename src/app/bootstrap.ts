import path from 'node:path';
import { ConfigError } from '../config/app-config.js';
import { type Config, loadConfig } from '../config/config.js';
import type { Runtime } from '../config/runtime.js';
import { pingRedis, resolveDatabase, resolveRedis, type ResolvedService } from '../infra/local-services/local-services.js';
import { migrate } from '../persistence/migrator.js';
import { redactUrl } from '../common/redact-url.js';

export interface PreparedRuntime {
  runtime: Runtime;
  database: ResolvedService;
  redis: ResolvedService;
  /** Stops the embedded services this process started (if any). */
  stop(): Promise<void>;
}

/**
 * Everything before Nest starts: validated configuration, PostgreSQL and Redis found or
 * started, migrations applied. Throws StartupError with one clear line per problem.
 */
export class StartupError extends Error {}

export async function prepareRuntime(options: {
  runWorkers?: boolean;
  serveHttp: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<PreparedRuntime> {
  const env = options.env ?? process.env;
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new StartupError(error.problems.join('\n'));
    throw new StartupError((error as Error).message);
  }
  const dataDir = path.resolve(env.OPSPRINT_DATA_DIR ?? '.data');
  const database = await resolveDatabase(config.app.DATABASE_URL, dataDir).catch((error: Error) => {
    throw new StartupError(`DATABASE_URL: ${error.message}`);
  });
  let redis: ResolvedService;
  try {
    redis = await resolveRedis(config.app.REDIS_URL);
  } catch (error) {
    await database.stop();
    throw new StartupError(`REDIS_URL: ${(error as Error).message}`);
  }
  try {
    await pingRedis(redis.url, config.app.REDIS_TIMEOUT_MS);
  } catch (error) {
    await Promise.all([database.stop(), redis.stop()]);
    throw new StartupError(`REDIS_URL: cannot reach Redis at ${redactUrl(redis.url)}: ${firstLine(error)}`);
  }
  try {
    await migrate(database.url);
  } catch (error) {
    await Promise.all([database.stop(), redis.stop()]);
    throw new StartupError(`DATABASE_URL: cannot prepare the database at ${redactUrl(database.url)}: ${firstLine(error)}`);
  }
  return {
    runtime: {
      config,
      databaseUrl: database.url,
      databaseMaxConnections: database.maxConnections,
      redisUrl: redis.url,
      dataDir,
      runWorkers: options.runWorkers ?? config.app.OPSPRINT_RUN_WORKERS,
      serveHttp: options.serveHttp,
    },
    database,
    redis,
    stop: async () => {
      await Promise.all([database.stop(), redis.stop()]);
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
  return message.split('\n')[0];
}

/** On SIGTERM/SIGINT: close the app (workers hand their phase back), then the services this process started. */
export function stopOnSignal(app: { close(): Promise<void> }, prepared: PreparedRuntime): void {
  const shutdown = async () => {
    await app.close();
    await prepared.stop();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

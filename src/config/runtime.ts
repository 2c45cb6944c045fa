import type { RunbookCatalog } from '../runbooks/catalog.js';
import type { Config } from './config.js';

/**
 * What is decided before Nest starts: the validated configuration, where PostgreSQL and Redis
 * are, and what runs in this process. Injected by its class; built as a plain object.
 */
export abstract class Runtime {
  abstract readonly config: Config;
  abstract readonly databaseUrl: string;
  /** 1 for the embedded PGlite, which serves one connection at a time. */
  abstract readonly databaseMaxConnections?: number;
  abstract readonly redisUrl: string;
  abstract readonly dataDir: string;
  /** Run BullMQ workers in this process. */
  abstract readonly runWorkers: boolean;
  /** Serve HTTP (false for the `worker` entry point). */
  abstract readonly serveHttp: boolean;
  /** Tests and the demo may bring their own; production uses the built-in ones. */
  abstract readonly catalog?: RunbookCatalog;
}

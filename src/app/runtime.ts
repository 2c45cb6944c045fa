import type { AppConfig } from '../config/app-config.js';
import type { RunbookCatalog } from '../runbooks/catalog.js';
import type { SessionFactory } from '../workers/phase-runner.js';

/** What is decided before Nest starts: where PostgreSQL and Redis are, and what runs in this process. */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  /** 1 for the embedded PGlite, which serves one connection at a time. */
  databaseMaxConnections?: number;
  redisUrl: string;
  dataDir: string;
  /** Run BullMQ workers in this process. */
  runWorkers: boolean;
  /** Serve HTTP (false for the `worker` entry point). */
  serveHttp: boolean;
  /** Tests and the demo may bring their own; production uses the built-in ones. */
  catalog?: RunbookCatalog;
  sessionFactory?: SessionFactory;
  /** Where JIRA/Confluence settings are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

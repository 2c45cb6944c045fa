import type { CommandStep } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';
import { mysqlRoot } from './database.js';

export interface DbSyncOptions {
  /** When given, the step is skipped once this database has tables. */
  database?: string;
}

/**
 * Populate a service database as the service's own user, like the seed's
 * `su -s /bin/sh -c "keystone-manage db_sync" keystone` (so logs belong to that user).
 */
export function dbSync(user: string, syncCommand: string, options: DbSyncOptions = {}): CommandStep {
  const { database } = options;
  return command(`db-sync-${user}`, {
    title: `Populate the ${database ?? user} database (${syncCommand})`,
    run: `su -s /bin/sh -c ${shellQuote(syncCommand)} ${shellQuote(user)}`,
    guard: database ? (ctx) => `${mysqlRoot(ctx, 'SHOW TABLES', { skipColumnNames: true, database })} | grep -q .` : undefined,
  });
}

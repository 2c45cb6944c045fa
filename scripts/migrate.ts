import path from 'node:path';
import { commandLine, parseCommandLine } from '../src/common/command-line.js';

const program = commandLine(
  'npm run db:migrate --',
  'Applies the migrations in prisma/migrations that the database does not have yet, and says which.',
  'db:migrate',
)
  .option('--database-url <url>', 'postgresql:// URL (default: $DATABASE_URL, else the one `npm start` would use: local, else embedded)')
  .addHelpText('after', '\n`npm start` and `npm run worker` apply them at start-up too; this is for doing it ahead of a release.');

/** `npm run db:migrate`: the same migrator the service runs at start-up, on the same database it would pick. */
async function main(): Promise<number> {
  const options = (await parseCommandLine(program)).opts<{ databaseUrl?: string }>();
  const { loadAppConfig, ConfigError } = await import('../src/config/app-config.js');
  const { resolveDatabase } = await import('../src/infra/local-services/local-services.js');
  const { migrate, defaultMigrationsDir } = await import('../src/persistence/migrator.js');
  const { redactUrl } = await import('../src/common/redact-url.js');

  let configured: string | undefined;
  try {
    configured = loadAppConfig({ ...process.env, ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}) }).DATABASE_URL;
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.problems.join('; '));
    throw error;
  }
  const database = await resolveDatabase(configured, path.resolve(process.env.OPSPRINT_DATA_DIR ?? '.data')).catch((error: Error) => {
    throw new Failure(`DATABASE_URL: ${error.message}`);
  });
  try {
    console.log(`Database: ${redactUrl(database.url)} (${database.source})`);
    const result = await migrate(database.url, defaultMigrationsDir()).catch((error: Error) => {
      throw new Failure(`cannot migrate ${redactUrl(database.url)}: ${error.message.split('\n')[0]}`);
    });
    for (const name of result.applied) console.log(`applied   ${name}`);
    const total = result.applied.length + result.alreadyApplied.length;
    console.log(
      result.applied.length
        ? `${result.applied.length} migration(s) applied; the database now has all ${total}.`
        : `Nothing to apply: the database already has all ${total} migration(s), the latest ${result.alreadyApplied.at(-1) ?? '(none)'}.`,
    );
    return 0;
  } finally {
    await database.stop();
  }
}

class Failure extends Error {}

function fail(message: string): number {
  console.error(`db:migrate: ${message}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof Failure) process.exit(fail(error.message));
    console.error(error);
    process.exit(1);
  },
);

import { commandLine, parseCommandLine } from './common/command-line.js';

const program = commandLine(
  'npm run worker --',
  'A worker-only process, for scaling out across machines: no HTTP, just the BullMQ workers (phases, JIRA, Confluence).',
  'worker',
).addHelpText(
  'after',
  '\nSettings come from the environment (see .env.example); DATABASE_URL, REDIS_URL, QUEUE_PREFIX and\nOPSPRINT_SECRET_KEY must match the API process. WORKER_CONCURRENCY sets the phases run at once.',
);

async function main(): Promise<void> {
  await parseCommandLine(program);
  // Loaded after the arguments are read, so --help answers without starting Nest.
  await import('reflect-metadata');
  const { createApp } = await import('./app/create-app.js');
  const { prepareRuntime, StartupError, stopOnSignal } = await import('./app/bootstrap.js');
  try {
    const prepared = await prepareRuntime({ serveHttp: false, runWorkers: true });
    const app = await createApp(prepared.runtime);
    console.log(`OpSprint worker running (PostgreSQL: ${prepared.database.source}, Redis: ${prepared.redis.source})`);
    stopOnSignal(app, prepared);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`opsprint worker: cannot start: ${error.message}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import 'reflect-metadata';
import { createApp } from './app/create-app.js';
import { prepareRuntime, StartupError, stopOnSignal } from './app/bootstrap.js';

/** A worker-only process, for scaling out across machines: no HTTP, just the BullMQ workers. */
async function main(): Promise<void> {
  const prepared = await prepareRuntime({ serveHttp: false, runWorkers: true });
  const app = await createApp(prepared.runtime);
  console.log(`OpSprint worker running (PostgreSQL: ${prepared.database.source}, Redis: ${prepared.redis.source})`);
  stopOnSignal(app, prepared);
}

main().catch((error) => {
  console.error(error instanceof StartupError ? `opsprint worker: cannot start: ${error.message}` : error);
  process.exit(1);
});

import 'reflect-metadata';
import { createApp } from './app/create-app.js';
import { prepareRuntime, StartupError, stopOnSignal } from './app/bootstrap.js';

/** The API process: REST API, webhooks, dashboard, and (by default) the workers. */
async function main(): Promise<void> {
  const prepared = await prepareRuntime({ serveHttp: true });
  const app = await createApp(prepared.runtime);
  await app.listen(prepared.runtime.config.app.PORT, '0.0.0.0');
  const url = await app.getUrl();
  console.log(
    `OpSprint listening on ${url.replace('[::1]', 'localhost')} (PostgreSQL: ${prepared.database.source}, Redis: ${prepared.redis.source}, workers: ${prepared.runtime.runWorkers ? 'in this process' : 'separate'})`,
  );
  stopOnSignal(app, prepared);
}

main().catch((error) => {
  console.error(error instanceof StartupError ? `opsprint: cannot start: ${error.message}` : error);
  process.exit(1);
});

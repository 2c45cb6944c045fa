import type { AddressInfo } from 'node:net';
import { commandLine, integerIn, parseCommandLine } from './common/command-line.js';

const program = commandLine(
  'npm start --',
  'The OpSprint API process: REST API (/api/v1, docs at /api/docs), webhooks, /health and, unless OPSPRINT_RUN_WORKERS=false, the workers.',
  'start',
)
  .option('--port <port>', 'HTTP port (default: $PORT, else 3000)', integerIn(0, 65535))
  .option('--host <address>', 'listen address (default: $HOST, else 0.0.0.0 = every interface)')
  .addHelpText('after', '\nEvery other setting comes from the environment: see .env.example.');

/** What the operator can type into a browser: the bound address, and the loopback one for a wildcard. */
function describeListenAddress(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const bound = `http://${host}:${address.port}`;
  return wildcard ? `${bound} (every interface; from this machine http://127.0.0.1:${address.port})` : bound;
}

const NO_TOKEN_HINT = `No API token exists yet, so every /api/v1 call is refused. To create the first one, restart with
  OPSPRINT_ADMIN_TOKEN=$(openssl rand -hex 24) npm start
and keep that value: it is the admin token. Then create named tokens for people and pipelines with
  npx opsprint login --url <this address> --token <admin token> && npx opsprint tokens create <name> --role operator
(or POST /api/v1/tokens).`;

/** The API process: REST API, webhooks, dashboard, and (by default) the workers. */
async function main(): Promise<void> {
  const options = (await parseCommandLine(program)).opts<{ port?: number; host?: string }>();
  if (options.port !== undefined) process.env.PORT = String(options.port);
  if (options.host !== undefined) process.env.HOST = options.host;
  // Loaded after the arguments are read, so --help answers without starting Nest.
  await import('reflect-metadata');
  const { createApp } = await import('./app/create-app.js');
  const { prepareRuntime, StartupError, stopOnSignal } = await import('./app/bootstrap.js');
  const { ApiTokensService } = await import('./auth/api-tokens.service.js');
  try {
    const prepared = await prepareRuntime({ serveHttp: true });
    const app = await createApp(prepared.runtime);
    await app.listen(prepared.runtime.config.app.PORT, prepared.runtime.config.app.HOST);
    const address = app.getHttpServer().address() as AddressInfo;
    console.log(
      `OpSprint listening on ${describeListenAddress(address)} (PostgreSQL: ${prepared.database.source}, Redis: ${prepared.redis.source}, workers: ${prepared.runtime.runWorkers ? 'in this process' : 'separate'})`,
    );
    if (await app.get(ApiTokensService).noneConfigured()) console.log(NO_TOKEN_HINT);
    stopOnSignal(app, prepared);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(`opsprint: cannot start: ${error.message}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * A worker-only process for the bench: the production worker (no HTTP) with the bench's generated
 * runbooks, configured by the environment of the BenchEngine that spawned it. Prints "ready".
 */
import 'reflect-metadata';
import { createApp } from '../src/app/create-app.js';
import { prepareRuntime } from '../src/app/bootstrap.js';
import { catalogOf, type CatalogSpec } from './engine.js';

const prepared = await prepareRuntime({ serveHttp: false, runWorkers: true });
const spec = process.env.BENCH_CATALOG ? (JSON.parse(process.env.BENCH_CATALOG) as CatalogSpec) : undefined;
const app = await createApp({ ...prepared.runtime, catalog: spec ? catalogOf(spec) : undefined });
await app.init();
console.log('ready');
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => prepared.stop())
    .finally(() => process.exit(0));
});

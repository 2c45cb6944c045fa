// The production API entry point (src/main.ts, as built to dist/) with one difference: its runbook
// catalog also holds the fixture runbooks listed in FIXTURE_RUNBOOK_FILE (a JSON array; one keyed
// like the default runbook replaces it), so fault tests can kill and restart a real API process.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { createApp } from '../../../dist/src/app/create-app.js';
import { prepareRuntime } from '../../../dist/src/app/bootstrap.js';
import { defaultRunbookCatalog } from '../../../dist/src/runbooks/catalog.js';

const fixtures = JSON.parse(readFileSync(process.env.FIXTURE_RUNBOOK_FILE, 'utf8'));
const catalog = new Map([...defaultRunbookCatalog(), ...fixtures.map((runbook) => [runbook.key, runbook])]);
const prepared = await prepareRuntime({ serveHttp: true });
const app = await createApp({ ...prepared.runtime, catalog });
await app.listen(prepared.runtime.config.app.PORT, '127.0.0.1');
console.log(`OpSprint API listening (pid ${process.pid})`);
const shutdown = async () => {
  await app.close();
  await prepared.stop();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

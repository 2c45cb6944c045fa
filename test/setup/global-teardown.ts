/** Drops the databases this run's test files cloned, several at a time (see test/support/database.ts). */
export default async function globalTeardown(): Promise<void> {
  // Loaded like the global setup, by Node's require (see loadTemplateSupport there).
  const { loadTemplateSupport } = require('./global-setup.ts') as typeof import('./global-setup.js');
  const { clonesOfRun, dropDatabases, RUN_ENV } = loadTemplateSupport();
  const run = process.env[RUN_ENV];
  if (run) await dropDatabases(await clonesOfRun(run));
}

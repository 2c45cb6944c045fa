import Module from 'node:module';

type TemplateSupport = typeof import('../support/template-database.js');

/**
 * Jest loads the global setup and teardown with Node's own `require` (transformed by SWC), which
 * neither knows the config's moduleNameMapper nor finds `./x.ts` behind our `./x.js` specifiers.
 * This maps a relative `.js` that does not exist to the `.ts` beside it, then loads the support code.
 */
export function loadTemplateSupport(): TemplateSupport {
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string; opsprintTs?: true };
  if (!resolver.opsprintTs) {
    const resolve = resolver._resolveFilename;
    resolver._resolveFilename = function (request, ...rest) {
      try {
        return resolve.call(this, request, ...rest);
      } catch (error) {
        if (!/^\.{1,2}\/.*\.js$/.test(request)) throw error;
        return resolve.call(this, request.replace(/\.js$/, '.ts'), ...rest);
      }
    };
    resolver.opsprintTs = true;
  }
  return require('../support/template-database.ts') as TemplateSupport;
}

/**
 * Migrates the template database once per set of migrations (reused by later runs while the
 * migrations stay the same), names this run and chooses how the tests reach PostgreSQL, so that
 * test files clone the template (test/support/database.ts) and the global teardown drops the clones.
 */
export default async function globalSetup(): Promise<void> {
  const { chooseTestDatabaseUrl, dropStaleDatabases, ensureTemplate, newRunId, RUN_ENV } = loadTemplateSupport();
  const template = await ensureTemplate();
  await dropStaleDatabases(template);
  process.env[RUN_ENV] = newRunId();
  // The workers, started after this, read it (and so do the processes the tests start).
  process.env.TEST_DATABASE_URL = await chooseTestDatabaseUrl();
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Templates and assets are plain files in src/dashboard (no front-end build step). Run from
 * src (tests) they sit beside this module; run from dist/ (tsc does not copy them) they are
 * found in the source tree the build came from.
 */
export function dashboardDir(name: 'views' | 'assets'): string {
  const beside = fileURLToPath(new URL(`./${name}`, import.meta.url));
  if (existsSync(beside)) return beside;
  const source = fileURLToPath(new URL(`../../../src/dashboard/${name}`, import.meta.url));
  if (existsSync(source)) return source;
  throw new Error(`dashboard ${name} not found (looked in ${beside} and ${source})`);
}

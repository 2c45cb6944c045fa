/**
 * Starts an entry point from dist/, compiling first only what changed since the last build:
 *   node scripts/build/run.mjs dist/src/main.js [arguments...]
 * The entry runs in this process with its own arguments, as if started directly.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ROOT } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/build/run.mjs dist/<entry>.js [arguments...]');
  process.exit(2);
}
try {
  await ensureBuilt({ onStart: (n) => process.stderr.write(`(compiling ${n} changed file(s) into dist/ first)\n`) });
} catch (error) {
  console.error(`${path.basename(entry, '.js')}: ${error.message}`);
  process.exit(1);
}
const file = path.resolve(ROOT, entry);
process.argv = [process.argv[0], file, ...args];
process.setSourceMapsEnabled(true);
await import(pathToFileURL(file).href);

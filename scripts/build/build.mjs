/**
 * Builds dist/ from the TypeScript sources with SWC, one file at a time and only the files that
 * changed since the last build (about a second for the whole tree; tsc took 20–55 s). Types are
 * checked by `npm run typecheck`, not here. `ensureBuilt()` is what every npm script calls
 * before starting: on a current tree it only compares file sizes and times.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SWC_JSC } from './swc-options.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_ROOTS = ['src', 'lab', 'scripts', 'bench'];
// What tsconfig.build.json leaves out: tests, fixtures and declarations.
const NOT_BUILT = /(\.spec|\.test|\.fixture|\.d)\.ts$|\/fixtures\//;
const INFO_FILE = '.build-info.json';

async function listSources(root) {
  const found = [];
  async function walk(relative) {
    let entries;
    try {
      entries = await readdir(path.join(root, relative), { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) await walk(child);
      else if (entry.name.endsWith('.ts') && !NOT_BUILT.test(child)) found.push(child);
    }
  }
  for (const sourceRoot of SOURCE_ROOTS) await walk(sourceRoot);
  return found.sort();
}

const outputOf = (source) => source.replace(/\.ts$/, '.js');
const signature = (stats) => `${stats.size}:${stats.mtimeMs}`;

async function readInfo(dist) {
  try {
    return JSON.parse(await readFile(path.join(dist, INFO_FILE), 'utf8'));
  } catch {
    return { fingerprint: '', files: {} };
  }
}

/** Written to a temporary name first, so a process starting meanwhile never imports half a file. */
async function writeAtomically(file, content) {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

/**
 * Compiles what changed. Returns the counts; `onStart(n)` is told before compiling n files, so
 * a caller can say why start-up takes a moment.
 */
export async function ensureBuilt({ root = ROOT, force = false, onStart = () => {} } = {}) {
  const dist = path.join(root, 'dist');
  const started = performance.now();
  const sources = await listSources(root);
  const info = await readInfo(dist);
  const stats = await Promise.all(sources.map((source) => stat(path.join(root, source))));

  let swc;
  let fingerprint = info.fingerprint;
  const loadSwc = async () => {
    if (swc) return;
    try {
      swc = await import('@swc/core');
    } catch {
      throw new Error('dist/ is out of date and @swc/core is not installed: run `npm ci` (with dev dependencies), then try again');
    }
    fingerprint = createHash('sha256').update(JSON.stringify(SWC_JSC)).update(swc.version).digest('hex');
  };
  // A new SWC or other options: everything is compiled again.
  if (force || !info.fingerprint) await loadSwc();

  const changed = [];
  for (const [index, source] of sources.entries()) {
    const known = info.files[source];
    if (force || known !== signature(stats[index])) changed.push(index);
  }
  const outputsPresent = await Promise.all(
    sources.map((source, index) =>
      changed.includes(index)
        ? true
        : stat(path.join(dist, outputOf(source))).then(
            () => true,
            () => false,
          ),
    ),
  );
  for (const [index, present] of outputsPresent.entries()) if (!present) changed.push(index);
  const removed = Object.keys(info.files).filter((source) => !sources.includes(source));
  if (changed.length === 0 && removed.length === 0 && fingerprint === info.fingerprint) {
    return { compiled: 0, removed: 0, ms: performance.now() - started };
  }

  await loadSwc();
  if (fingerprint !== info.fingerprint) changed.splice(0, changed.length, ...sources.keys());
  const unique = [...new Set(changed)];
  if (unique.length) onStart(unique.length);
  const files = { ...info.files };
  await Promise.all(
    unique.map(async (index) => {
      const source = sources[index];
      const output = path.join(dist, outputOf(source));
      const result = await swc.transformFile(path.join(root, source), {
        jsc: SWC_JSC,
        module: { type: 'es6' },
        sourceMaps: true,
        // The map points back at the .ts file, relative to where the .js lands.
        sourceFileName: path.relative(path.dirname(output), path.join(root, source)),
        swcrc: false,
        configFile: false,
      });
      await writeAtomically(`${output}.map`, result.map);
      await writeAtomically(output, `${result.code}\n//# sourceMappingURL=${path.basename(output)}.map\n`);
      files[source] = signature(stats[index]);
    }),
  );
  for (const source of removed) {
    const output = path.join(dist, outputOf(source));
    await rm(output, { force: true });
    await rm(`${output}.map`, { force: true });
    delete files[source];
  }
  await writeAtomically(path.join(dist, INFO_FILE), `${JSON.stringify({ fingerprint, files }, null, 1)}\n`);
  return { compiled: unique.length, removed: removed.length, ms: performance.now() - started };
}

// `node scripts/build/build.mjs [--force]`: the `npm run build` command.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const usage =
    'Usage: npm run build -- [--force]\nCompiles the sources that changed since the last build into dist/ (SWC); --force compiles all.';
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== '--force');
  if (unknown.length) {
    console.error(`${usage.split('\n')[0]}\nbuild: unknown option '${unknown[0]}'`);
    process.exit(2);
  }
  ensureBuilt({ force: process.argv.includes('--force') }).then(
    ({ compiled, removed, ms }) =>
      console.log(
        compiled || removed ? `dist/: ${compiled} file(s) compiled, ${removed} removed in ${Math.round(ms)} ms` : 'dist/ is up to date',
      ),
    (error) => {
      console.error(`build: ${error.message}`);
      process.exit(1);
    },
  );
}

#!/usr/bin/env node
// The `opsprint` CLI (package.json "bin"): compiles what changed into dist/ when run from a
// source checkout, then runs dist/src/cli/main.js with the same arguments.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const launcher = path.join(root, 'scripts/build/run.mjs');
process.argv = [process.argv[0], launcher, 'dist/src/cli/main.js', ...process.argv.slice(2)];
await import(pathToFileURL(launcher).href);

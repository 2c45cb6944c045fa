// Runs `prisma generate` offline: Prisma's CLI tries to download native engines from a host
// that is unreachable here, and stops trying when these variables point at an existing file.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const placeholder = fileURLToPath(import.meta.url);
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const args = process.argv.slice(2);
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', ...(args.length ? args : ['generate'])], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);

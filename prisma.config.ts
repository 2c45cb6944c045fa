import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// Prisma's CLI would download native engines it cannot reach here. With the "js" engine it uses
// the WebAssembly schema engine shipped in the npm package (enough for `generate` and
// `migrate diff`); migrations are applied by src/persistence/migrator.ts.
export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  // allowExitOnIdle: the CLI exits when its work is done instead of waiting out the pool's 10 s idle timeout.
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost/postgres', allowExitOnIdle: true }),
});

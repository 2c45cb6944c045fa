import { SWC_JSC } from './scripts/build/swc-options.mjs';

/** Jest runs the TypeScript sources as native ES modules, compiled by SWC (decorator metadata on for Nest DI). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/lab', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: SWC_JSC,
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // The longest files first even without times from an earlier run here (a fresh clone, as in CI).
  testSequencer: '<rootDir>/test/setup/test-sequencer.mjs',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60000,
  // Each test file leaves ~40 MB on a worker's heap (its module graph: Nest, Prisma, the lab), so a
  // worker that ran 60 files spent its time in GC on a 2-3 GB heap. A worker past this size after a
  // file is replaced by a fresh one (about a second); measured on 32 API files: 18% less CPU.
  workerIdleMemoryLimit: '700MB',
};

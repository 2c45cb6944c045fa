import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { deleteRedisPrefix as deleteKeysUnder } from '../../lab/redis/delete-prefix.js';
import { createApp } from '../../src/app/create-app.js';
import type { Runtime } from '../../src/config/runtime.js';
import type { SessionFactory } from '../../src/infra/ssh/executor.types.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The built-in schedules are off in test apps unless a test turns them on (SCHEDULES_ON): they
 * fire by the wall clock, so a test app alive at the wrong minute met them mid-test. The drift
 * check (minute 17 of every hour) queued a check run in each environment, and a deploy or retry
 * of the test was refused because the environment was busy; the sprint-end schedule read the JIRA
 * board between a test's JIRA changes and its next list, which then kept the old board for 30 s.
 */
export const SCHEDULES_OFF = { DRIFT_CHECK_ENABLED: 'false', DAILY_DIGEST_ENABLED: 'false', SPRINT_REVIEW_ENABLED: 'false' };
/** The built-in schedules as a real installation has them, for the tests about them. */
export const SCHEDULES_ON = { DRIFT_CHECK_ENABLED: 'true', DAILY_DIGEST_ENABLED: 'true', SPRINT_REVIEW_ENABLED: 'true' };
/**
 * The built-in schedules on, but firing only when the test asks (POST /api/v1/schedules/:key/run):
 * by the clock once a year. A digest test met the sprint-end schedule's ten-minute tick mid-test.
 */
export const SCHEDULES_ON_DEMAND = {
  ...SCHEDULES_ON,
  DRIFT_CHECK_CRON: '0 0 1 1 *',
  DAILY_DIGEST_CRON: '0 0 1 1 *',
  SPRINT_REVIEW_CRON: '0 0 1 1 *',
};

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * The application as production builds it, on the real PostgreSQL (own schema) and the real
 * Redis (own key prefix), so test runs never see each other's jobs or rows.
 */
export async function startTestApp(
  options: Partial<Omit<Runtime, 'config'>> & { env?: Record<string, string>; sessionFactory?: SessionFactory } = {},
): Promise<TestApp> {
  const db = options.databaseUrl ? undefined : await createTestDatabase();
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-test-'));
  const { env, sessionFactory, ...overrides } = options;
  // Only what the test sets: JIRA_*/CONFLUENCE_* of the machine's environment must not leak in.
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: prefix,
    JOB_LOCK_MS: '5000',
    STEP_TIMEOUT_MS: '30000',
    ...SCHEDULES_OFF,
    ...(env ?? {}),
  });
  const runtime: Runtime = {
    config,
    databaseUrl: db?.url ?? overrides.databaseUrl!,
    redisUrl: TEST_REDIS_URL,
    dataDir,
    runWorkers: true,
    serveHttp: true,
    ...overrides,
  };
  const app = await createApp(runtime, { sessionFactory });
  return {
    app,
    db: db!,
    runtime,
    async close() {
      await app.close();
      await deleteRedisPrefix(prefix);
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  await deleteKeysUnder(TEST_REDIS_URL, prefix);
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

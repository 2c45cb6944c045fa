import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.js';
import type { Runtime } from '../../src/config/runtime.js';
import { FailureLimiter } from '../../src/infra/kv/failure-limiter.js';
import { deleteRedisPrefix, TEST_REDIS_URL } from './test-app.js';

/** A FailureLimiter on its own Redis key prefix, for tests that mount controllers without the app's InfraModule. */
export function testFailureLimiter(env: Record<string, string> = {}): { limiter: FailureLimiter; close(): Promise<void> } {
  const prefix = `limits-${randomBytes(5).toString('hex')}`;
  const runtime = {
    config: loadConfig({ LOG_LEVEL: 'silent', QUEUE_PREFIX: prefix, ...env }),
    redisUrl: TEST_REDIS_URL,
  } as unknown as Runtime;
  const limiter = new FailureLimiter(runtime);
  return {
    limiter,
    async close() {
      limiter.onApplicationShutdown();
      await deleteRedisPrefix(prefix);
    },
  };
}

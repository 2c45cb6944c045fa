import { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix:` (a test's or a bench run's queues, log channels and limiter
 * counts), so runs sharing one Redis leave nothing behind. SCAN in pages: never KEYS on a shared server.
 */
export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

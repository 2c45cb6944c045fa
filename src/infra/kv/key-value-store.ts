import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Runtime } from '../../config/runtime.js';

/**
 * Small records with a lifetime, kept in Redis so every process of an installation sees them
 * (dashboard sessions, for one). Keys are namespaced under QUEUE_PREFIX like everything else.
 */
@Injectable()
export class KeyValueStore implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(runtime: Runtime) {
    this.prefix = `${runtime.config.app.QUEUE_PREFIX}:kv:`;
    // Lazy: a process that never stores anything never connects.
    this.redis = new Redis(runtime.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    // The job queue logs a Redis outage once; without a listener ioredis prints a stack per reconnect.
    this.redis.on('error', () => undefined);
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', ttlSeconds);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const raw = await this.redis.get(this.prefix + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

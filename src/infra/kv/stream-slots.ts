import { randomUUID } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Runtime } from '../../config/runtime.js';

/** A slot lives this long without a heartbeat, so a crashed process's streams free theirs. */
const SLOT_TTL_MS = 60_000;
const HEARTBEAT_MS = 20_000;

/** Takes a slot if fewer than `limit` unexpired ones are held: drop the expired, count, add. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export interface StreamSlot {
  release(): Promise<void>;
}

/**
 * Caps the live log streams one API token holds open (SSE_STREAMS_PER_TOKEN), across every process:
 * each open stream is a member of a Redis sorted set per token scored by its expiry, refreshed by a
 * heartbeat while it is open and removed when it closes; a process that dies stops refreshing, so
 * its slots expire within a minute.
 */
@Injectable()
export class StreamSlots implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly limit: number;

  constructor(runtime: Runtime) {
    this.prefix = `${runtime.config.app.QUEUE_PREFIX}:streams:`;
    this.limit = runtime.config.app.SSE_STREAMS_PER_TOKEN;
    this.redis = new Redis(runtime.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  /** A slot for one stream of `owner` (a token id, never the token), or 429 when all are taken. */
  async acquire(owner: string): Promise<StreamSlot> {
    const key = this.prefix + owner;
    const member = randomUUID();
    const now = Date.now();
    const taken = await this.redis.eval(ACQUIRE, 1, key, now, this.limit, now + SLOT_TTL_MS, member, SLOT_TTL_MS);
    if (taken !== 1)
      throw new HttpException(
        {
          statusCode: 429,
          message: `this token already has ${this.limit} live log streams open (SSE_STREAMS_PER_TOKEN); close one first`,
          error: 'Too Many Requests',
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const heartbeat = setInterval(() => {
      const at = Date.now();
      this.redis
        .zadd(key, 'XX', at + SLOT_TTL_MS, member)
        .then(() => this.redis.pexpire(key, SLOT_TTL_MS))
        .catch(() => undefined);
    }, HEARTBEAT_MS);
    heartbeat.unref();
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        await this.redis.zrem(key, member).catch(() => undefined);
      },
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

import { HttpException, HttpStatus, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Runtime } from '../../config/runtime.js';

/** What is counted: failed bearer tokens / sign-ins, and webhook deliveries with a bad signature. */
export type FailureScope = 'auth' | 'webhook';

/** The minimum an HTTP response needs for the Retry-After header. */
export interface RetryAfterTarget {
  setHeader(name: string, value: string): unknown;
}

/**
 * Counts failed attempts per source IP in Redis (so every process of an installation shares the
 * count) and blocks a source for a minute once it exceeds its per-minute budget. Only failures are
 * counted; while a source is blocked, every request of that scope from it is refused, a good token
 * too, so a guesser learns nothing from the answers. If Redis is away the limiter lets requests
 * through: the token check itself still protects the API, and Redis outages are reported elsewhere.
 */
@Injectable()
export class FailureLimiter implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly limiters: Record<FailureScope, RateLimiterRedis>;

  constructor(runtime: Runtime) {
    const app = runtime.config.app;
    this.redis = new Redis(runtime.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
    const limiter = (scope: FailureScope, points: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${app.QUEUE_PREFIX}:failures:${scope}`,
        points,
        duration: 60,
        blockDuration: 60,
      });
    this.limiters = { auth: limiter('auth', app.AUTH_FAILURES_PER_MINUTE), webhook: limiter('webhook', app.WEBHOOK_FAILURES_PER_MINUTE) };
  }

  /** Throws 429 (and sets Retry-After) while the source is blocked for this scope. */
  async assertNotBlocked(scope: FailureScope, source: string | undefined, response: RetryAfterTarget): Promise<void> {
    const state = await this.blockedState(scope, source);
    if (state) throw tooMany(scope, state, response);
  }

  /** Counts one failure; throws 429 (and sets Retry-After) when this failure exceeds the budget. */
  async recordFailure(scope: FailureScope, source: string | undefined, response: RetryAfterTarget): Promise<void> {
    const rejected = await this.consume(scope, source);
    if (rejected) throw tooMany(scope, rejected, response);
  }

  /** For callers that answer with their own page (the dashboard sign-in form). */
  async isBlocked(scope: FailureScope, source: string | undefined): Promise<boolean> {
    return (await this.blockedState(scope, source)) !== undefined;
  }

  /** Counts one failure; false when this failure exceeded the budget. */
  async countFailure(scope: FailureScope, source: string | undefined): Promise<boolean> {
    return (await this.consume(scope, source)) === undefined;
  }

  private async blockedState(scope: FailureScope, source: string | undefined): Promise<RateLimiterRes | undefined> {
    try {
      const state = await this.limiters[scope].get(sourceKey(source));
      return state && state.consumedPoints > this.limiters[scope].points ? state : undefined;
    } catch {
      return undefined;
    }
  }

  private async consume(scope: FailureScope, source: string | undefined): Promise<RateLimiterRes | undefined> {
    try {
      await this.limiters[scope].consume(sourceKey(source));
      return undefined;
    } catch (rejection) {
      return rejection instanceof RateLimiterRes ? rejection : undefined;
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

function sourceKey(source: string | undefined): string {
  return source && source.length > 0 ? source : 'unknown';
}

function tooMany(scope: FailureScope, state: RateLimiterRes, response: RetryAfterTarget): HttpException {
  const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  response.setHeader('Retry-After', String(seconds));
  const what = scope === 'auth' ? 'failed authentication attempts' : 'webhook deliveries with a bad signature';
  return new HttpException(
    { statusCode: 429, message: `too many ${what} from this address; retry in ${seconds} s`, error: 'Too Many Requests' },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}

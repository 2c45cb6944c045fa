import { ConfluenceHttpError } from './confluence-http-error.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown. */
  maxRetryAfterMs: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 };

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

function isRetryable(error: unknown): boolean {
  if (error instanceof ConfluenceHttpError) return error.retryable;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK.has(code);
}

/** Server-given Retry-After wins; otherwise full-jitter exponential backoff, bounded. */
export function delayBeforeRetry(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  if (error instanceof ConfluenceHttpError && error.retryAfter !== null) {
    const ms = error.retryAfter * 1000;
    return ms > policy.maxRetryAfterMs ? null : ms;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

export async function withRetries<T>(policy: RetryPolicy, operation: (attempt: number) => Promise<T>): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      const delay = delayBeforeRetry(error, attempt, policy);
      if (delay === null) throw error;
      await sleep(delay);
    }
  }
}

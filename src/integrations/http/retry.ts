import { setTimeout as delay } from 'node:timers/promises';
import { AtlassianHttpError, isTransient } from './http-error.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes up (the job queue retries later). */
  maxRetryAfterMs: number;
  /** Injected so tests observe waiting instead of doing it. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  /** Aborted when the service stops: no more waiting, the last error goes up at once (its job is retried later). */
  signal?: AbortSignal;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 };

/** Retry-After when the server gives one (0 is valid), else full-jitter exponential backoff; null: do not wait. */
export function delayBeforeRetry(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  if (error instanceof AtlassianHttpError && error.retryAfter !== null) {
    const ms = error.retryAfter * 1000;
    return ms > policy.maxRetryAfterMs ? null : ms;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

/**
 * Runs `operation` until it succeeds, the error is not worth retrying, the attempts are spent
 * or the service stops (`signal`); the last error is rethrown as it was. Neither Atlassian client retries on its own.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean = isTransient,
): Promise<T> {
  const { signal } = policy;
  const sleep = policy.sleep ?? ((ms: number) => delay(ms, undefined, { signal }).catch(() => undefined));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !retryable(error) || signal?.aborted) throw error;
      const delayMs = delayBeforeRetry(error, attempt, policy);
      if (delayMs === null) throw error;
      policy.onRetry?.({ attempt, delayMs, error: error as Error });
      await sleep(delayMs);
      if (signal?.aborted) throw error;
    }
  }
}

import { JiraHttpError, JiraNetworkError } from './jira-http-error.js';

export interface RetryOptions {
  /** Total tries including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected so tests and callers can observe waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** 429, 5xx and connection failures are transient; 4xx other than 408/409/425/429 are not. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof JiraNetworkError) return true;
  if (!(error instanceof JiraHttpError)) return false;
  return [408, 425, 429].includes(error.statusCode) || error.statusCode >= 500;
}

/** Retry-After when JIRA gives one (0 is valid), else exponential backoff with full jitter. */
export function retryDelayMs(error: unknown, attempt: number, options: RetryOptions): number {
  if (error instanceof JiraHttpError && error.retryAfterSeconds !== null) {
    return Math.min(error.retryAfterSeconds * 1000, options.maxDelayMs);
  }
  const ceiling = Math.min(options.baseDelayMs * 2 ** (attempt - 1), options.maxDelayMs);
  return Math.round((options.random ?? Math.random)() * ceiling);
}

/**
 * A create that failed with 5xx or a cut connection may have been stored by JIRA: retrying it
 * could duplicate the issue, so non-idempotent calls retry only on 429 (refused before work).
 */
export function isRetryableCreate(error: unknown): boolean {
  return error instanceof JiraHttpError && error.statusCode === 429;
}

export async function withRetry<T>(
  operation: () => Promise<T>,
  options: RetryOptions,
  retryable: (error: unknown) => boolean = isRetryable,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= options.attempts || !retryable(error)) throw error;
      const delayMs = retryDelayMs(error, attempt, options);
      options.onRetry?.({ attempt, delayMs, error: error as Error });
      await sleep(delayMs);
    }
  }
}

import { JiraHttpError, JiraNetworkError } from './jira-http-error.js';
import { isRetryable, retryDelayMs, withRetry, type RetryOptions } from './retry-policy.js';

describe('retry policy', () => {
  const options: RetryOptions = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 };
  const http = (status: number, headers: Record<string, string> = {}) =>
    new JiraHttpError(status, headers, { errorMessages: ['x'], errors: {} });

  it('retries 429, 408, 5xx and lost connections, not other 4xx', () => {
    expect([429, 408, 500, 502, 503].map((s) => isRetryable(http(s)))).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 409].map((s) => isRetryable(http(s)))).toEqual([false, false, false, false, false]);
    expect(isRetryable(new JiraNetworkError('ECONNRESET', 'socket hang up'))).toBe(true);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('honours Retry-After (0 included, capped), else backs off exponentially with jitter', () => {
    expect(retryDelayMs(http(429, { 'retry-after': '0' }), 1, options)).toBe(0);
    expect(retryDelayMs(http(429, { 'retry-after': '2' }), 1, { ...options, maxDelayMs: 60_000 })).toBe(2_000);
    expect(retryDelayMs(http(429, { 'retry-after': '120' }), 1, options)).toBe(1_000);
    expect([1, 2, 3, 5].map((attempt) => retryDelayMs(http(503), attempt, options))).toEqual([50, 100, 200, 500]);
  });

  it('stops after the configured attempts and rethrows the last error', async () => {
    const slept: number[] = [];
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(http(503));
    };
    await expect(withRetry(failing, { ...options, sleep: async (ms) => void slept.push(ms) })).rejects.toMatchObject({ statusCode: 503 });
    expect(calls).toBe(4);
    expect(slept).toEqual([50, 100, 200]);
  });
});

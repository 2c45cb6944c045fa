import { ConfluenceHttpError, parseRetryAfter } from './confluence-http-error.js';
import { type RetryPolicy, withRetries } from './retry-policy.js';

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    attempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 300,
    maxRetryAfterMs: 5_000,
    random: () => 1,
    sleep: async (ms) => void slept.push(ms),
    slept,
    ...overrides,
  };
}

function failing(errors: unknown[]): () => Promise<string> {
  return async () => {
    const next = errors.shift();
    if (next) throw next;
    return 'done';
  };
}

const http = (status: number, retryAfter: number | null = null) =>
  new ConfluenceHttpError(status, retryAfter, { statusCode: status }, 'test');

describe('withRetries', () => {
  it('waits exactly what Retry-After says, 0 included', async () => {
    const p = policy();
    await expect(withRetries(p, failing([http(429, 2), http(429, 0)]))).resolves.toBe('done');
    expect(p.slept).toEqual([2000, 0]);
  });

  it('backs off exponentially with jitter, bounded by maxDelayMs', async () => {
    const p = policy();
    await expect(withRetries(p, failing([http(503), http(502), http(500), http(504)]))).resolves.toBe('done');
    expect(p.slept).toEqual([100, 200, 300, 300]);
    const jittered = policy({ random: () => 0.5 });
    await withRetries(jittered, failing([http(503), http(503)]));
    expect(jittered.slept).toEqual([50, 100]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const p = policy({ attempts: 3 });
    await expect(withRetries(p, failing([http(503), http(503), http(429, 1)]))).rejects.toMatchObject({ status: 429 });
    expect(p.slept).toHaveLength(2);
  });

  it('does not retry client errors or a Retry-After longer than it is willing to wait', async () => {
    const p = policy();
    await expect(withRetries(p, failing([http(404)]))).rejects.toMatchObject({ status: 404 });
    await expect(withRetries(p, failing([http(409)]))).rejects.toMatchObject({ status: 409 });
    await expect(withRetries(p, failing([http(429, 3600)]))).rejects.toMatchObject({ retryAfter: 3600 });
    expect(p.slept).toEqual([]);
  });

  it('retries dropped connections', async () => {
    const p = policy();
    await expect(withRetries(p, failing([Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })]))).resolves.toBe('done');
    expect(p.slept).toEqual([100]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T04:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Fri, 27 Nov 2026 04:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 27 Nov 2026 03:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

import { AtlassianHttpError, AtlassianNetworkError, isFinal, isTransient } from './http-error.js';
import { parseRetryAfter } from './retry-after.js';
import { type RetryPolicy, withRetry } from './retry.js';

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

const http = (status: number, headers: Record<string, string> = {}) =>
  new AtlassianHttpError(status, headers, { statusCode: status }, `HTTP ${status}`);

describe('isTransient', () => {
  it('retries 429, 408, 425, 5xx and lost connections, not other 4xx', () => {
    expect([429, 408, 425, 500, 502, 503].map((s) => isTransient(http(s)))).toEqual([true, true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 410].map((s) => isTransient(http(s)))).toEqual([false, false, false, false, false, false]);
    expect(isTransient(new AtlassianNetworkError('ECONNRESET', 'socket hang up'))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Error('bug'))).toBe(false);
  });
});

describe('isFinal', () => {
  it('calls 400, 401, 403, 404 and 410 final: no retry can make them succeed', () => {
    expect([400, 401, 403, 404, 410].map((s) => isFinal(http(s)))).toEqual([true, true, true, true, true]);
    expect([409, 429, 500, 503].map((s) => isFinal(http(s)))).toEqual([false, false, false, false]);
    expect(isFinal(new AtlassianNetworkError('ECONNREFUSED', 'refused'))).toBe(false);
    expect(isFinal(new Error('bug'))).toBe(false);
  });
});

describe('withRetry', () => {
  it('waits exactly what Retry-After says, 0 included, in seconds or as an HTTP date', async () => {
    const p = policy();
    const inThreeSeconds = new Date(Date.now() + 3_000).toUTCString();
    await expect(
      withRetry(
        p,
        failing([http(429, { 'retry-after': '2' }), http(429, { 'retry-after': '0' }), http(503, { 'retry-after': inThreeSeconds })]),
      ),
    ).resolves.toBe('done');
    expect(p.slept.slice(0, 2)).toEqual([2000, 0]);
    // An HTTP date is rounded up to whole seconds from now: 3 s, or 4 s across a second boundary.
    expect([3000, 4000]).toContain(p.slept[2]);
  });

  it('backs off exponentially with jitter, bounded by maxDelayMs', async () => {
    const p = policy();
    await expect(withRetry(p, failing([http(503), http(502), http(500), http(504)]))).resolves.toBe('done');
    expect(p.slept).toEqual([100, 200, 300, 300]);
    const jittered = policy({ random: () => 0.5 });
    await withRetry(jittered, failing([http(503), http(503)]));
    expect(jittered.slept).toEqual([50, 100]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const p = policy({ attempts: 3 });
    await expect(withRetry(p, failing([http(503), http(503), http(429, { 'retry-after': '1' })]))).rejects.toMatchObject({ status: 429 });
    expect(p.slept).toHaveLength(2);
  });

  it('does not retry client errors or a Retry-After longer than it is willing to wait', async () => {
    const p = policy();
    await expect(withRetry(p, failing([http(404)]))).rejects.toMatchObject({ status: 404 });
    await expect(withRetry(p, failing([http(409)]))).rejects.toMatchObject({ status: 409 });
    await expect(withRetry(p, failing([http(429, { 'retry-after': '3600' })]))).rejects.toMatchObject({ retryAfter: 3600 });
    expect(p.slept).toEqual([]);
  });

  it('takes a narrower predicate (a create retries only what was refused before any work)', async () => {
    const p = policy();
    const onlyRateLimits = (error: unknown) => error instanceof AtlassianHttpError && error.status === 429;
    await expect(withRetry(p, failing([http(502)]), onlyRateLimits)).rejects.toMatchObject({ status: 502 });
    await expect(withRetry(p, failing([http(429, { 'retry-after': '0' })]), onlyRateLimits)).resolves.toBe('done');
  });

  it('stops waiting when the service stops, and goes up with the last error', async () => {
    const stopping = new AbortController();
    let calls = 0;
    // Real waiting, an hour long: only the signal can end it before the test's timeout.
    const hourLong: RetryPolicy = { attempts: 5, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000, maxRetryAfterMs: 0, random: () => 1 };
    const onRetry = () => setImmediate(() => stopping.abort());
    const waiting = withRetry({ ...hourLong, onRetry, signal: stopping.signal }, async () => {
      calls++;
      throw http(503);
    });
    await expect(waiting).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(1);
  });

  it('does not retry once the service is stopping', async () => {
    const p = policy({ signal: AbortSignal.abort() });
    await expect(withRetry(p, failing([http(503)]))).rejects.toMatchObject({ status: 503 });
    expect(p.slept).toEqual([]);
  });

  it('retries dropped connections', async () => {
    const p = policy();
    await expect(withRetry(p, failing([new AtlassianNetworkError('ECONNRESET', 'socket hang up')]))).resolves.toBe('done');
    expect(p.slept).toEqual([100]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T04:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(['7'], now)).toBe(7);
    expect(parseRetryAfter('Fri, 27 Nov 2026 04:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 27 Nov 2026 03:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

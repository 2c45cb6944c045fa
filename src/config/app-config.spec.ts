import { ConfigError, loadAppConfig } from './app-config.js';

describe('loadAppConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadAppConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.OPSPRINT_RUN_WORKERS).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names each bad value on its own line', () => {
    let error: unknown;
    try {
      loadAppConfig({ DATABASE_URL: 'mysql://nope', PORT: 'eighty', OPSPRINT_RUN_WORKERS: 'maybe' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'DATABASE_URL: DATABASE_URL must be a postgresql:// URL',
      'PORT: PORT must be an integer',
      'OPSPRINT_RUN_WORKERS: OPSPRINT_RUN_WORKERS must be true or false',
    ]);
  });

  it('bounds AUTH_FAILURES_PER_MINUTE and WEBHOOK_FAILURES_PER_MINUTE (default 20) with one-line errors', () => {
    expect(loadAppConfig({}).AUTH_FAILURES_PER_MINUTE).toBe(20);
    expect(loadAppConfig({}).WEBHOOK_FAILURES_PER_MINUTE).toBe(20);
    expect(() => loadAppConfig({ AUTH_FAILURES_PER_MINUTE: 'many' })).toThrow(
      'AUTH_FAILURES_PER_MINUTE: AUTH_FAILURES_PER_MINUTE must be an integer',
    );
    expect(() => loadAppConfig({ WEBHOOK_FAILURES_PER_MINUTE: '0' })).toThrow(
      'WEBHOOK_FAILURES_PER_MINUTE: WEBHOOK_FAILURES_PER_MINUTE must not be less than 1',
    );
  });

  it('bounds SSE_STREAMS_PER_TOKEN (default 10) with a one-line error', () => {
    expect(loadAppConfig({}).SSE_STREAMS_PER_TOKEN).toBe(10);
    expect(() => loadAppConfig({ SSE_STREAMS_PER_TOKEN: 'lots' })).toThrow(
      'SSE_STREAMS_PER_TOKEN: SSE_STREAMS_PER_TOKEN must be an integer',
    );
  });

  it('bounds REDIS_TIMEOUT_MS (default 3 s) with a one-line error', () => {
    expect(loadAppConfig({}).REDIS_TIMEOUT_MS).toBe(3000);
    expect(() => loadAppConfig({ REDIS_TIMEOUT_MS: 'soon' })).toThrow('REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS must be an integer');
    expect(() => loadAppConfig({ REDIS_TIMEOUT_MS: '10' })).toThrow('REDIS_TIMEOUT_MS: REDIS_TIMEOUT_MS must not be less than 100');
  });

  it('reads PHASE_RETRY_DELAY_MS (default 2 s) and names a bad one', () => {
    expect(loadAppConfig({}).PHASE_RETRY_DELAY_MS).toBe(2000);
    expect(loadAppConfig({ PHASE_RETRY_DELAY_MS: '30000' }).PHASE_RETRY_DELAY_MS).toBe(30_000);
    expect(() => loadAppConfig({ PHASE_RETRY_DELAY_MS: '2s' })).toThrow('PHASE_RETRY_DELAY_MS: PHASE_RETRY_DELAY_MS must be an integer');
    expect(() => loadAppConfig({ PHASE_RETRY_DELAY_MS: '0' })).toThrow(
      'PHASE_RETRY_DELAY_MS: PHASE_RETRY_DELAY_MS must not be less than 100',
    );
  });

  it('reads RECONCILE_INTERVAL_MS (default one minute) and names a bad one', () => {
    expect(loadAppConfig({}).RECONCILE_INTERVAL_MS).toBe(60_000);
    expect(loadAppConfig({ RECONCILE_INTERVAL_MS: '1000' }).RECONCILE_INTERVAL_MS).toBe(1000);
    expect(() => loadAppConfig({ RECONCILE_INTERVAL_MS: '5' })).toThrow(
      'RECONCILE_INTERVAL_MS: RECONCILE_INTERVAL_MS must not be less than 500',
    );
  });

  it('reads METRICS_ALLOW_NETWORKS as CIDR networks, with a one-line error otherwise', () => {
    expect(loadAppConfig({ METRICS_ALLOW_NETWORKS: '10.0.0.0/8, 127.0.0.1/32,::1/128' }).METRICS_ALLOW_NETWORKS).toBe(
      '10.0.0.0/8, 127.0.0.1/32,::1/128',
    );
    expect(() => loadAppConfig({ METRICS_ALLOW_NETWORKS: 'prometheus.internal' })).toThrow(
      /^METRICS_ALLOW_NETWORKS: METRICS_ALLOW_NETWORKS must be networks in CIDR form/,
    );
  });

  it('reads TRUST_PROXY as a hop count or trusted proxies, with a one-line error otherwise', () => {
    expect(loadAppConfig({}).TRUST_PROXY).toBeUndefined();
    expect(loadAppConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe('1');
    expect(loadAppConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(() => loadAppConfig({ TRUST_PROXY: 'yes please' })).toThrow(/^TRUST_PROXY: TRUST_PROXY must be a hop count/);
  });

  it('keeps only its own keys (no stray secrets from the environment)', () => {
    const config = loadAppConfig({ PORT: '8080', JIRA_API_TOKEN: 'sekret', OPSPRINT_RUN_WORKERS: 'false' });
    expect(config.PORT).toBe(8080);
    expect(config.OPSPRINT_RUN_WORKERS).toBe(false);
    expect(JSON.stringify(config)).not.toContain('sekret');
  });
});

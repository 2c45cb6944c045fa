import { loadConfig } from './config.js';
import { loadSchedulesConfig } from './schedules-config.js';

describe('schedule settings', () => {
  it('has every built-in schedule on by default, in UTC', () => {
    const config = loadSchedulesConfig({});
    expect(config.driftCheck).toEqual({ enabled: true, cron: '17 * * * *', timezone: 'UTC' });
    expect(config.dailyDigest).toEqual({ enabled: true, cron: '0 9 * * 1-5', timezone: 'UTC' });
    expect(config.sprintReview.enabled).toBe(true);
    expect(config.deploymentsEnabled).toBe(true);
  });

  it('reads each switch, expression and time zone', () => {
    const config = loadSchedulesConfig({
      DRIFT_CHECK_ENABLED: 'off',
      DAILY_DIGEST_CRON: '30 8 * * mon-fri',
      DAILY_DIGEST_TIMEZONE: 'Europe/Paris',
      SCHEDULED_DEPLOYMENTS_ENABLED: 'false',
    });
    expect(config.driftCheck.enabled).toBe(false);
    expect(config.dailyDigest).toEqual({ enabled: true, cron: '30 8 * * mon-fri', timezone: 'Europe/Paris' });
    expect(config.deploymentsEnabled).toBe(false);
  });

  it('names each bad value on its own line', () => {
    expect(() =>
      loadConfig({
        DRIFT_CHECK_CRON: '*/5 * * *',
        DAILY_DIGEST_TIMEZONE: 'Mars/Olympus',
        SPRINT_REVIEW_ENABLED: 'sometimes',
        SCHEDULED_DEPLOYMENTS_ENABLED: '2',
        DAILY_DIGEST_CRON: '0 25 * * *',
      }),
    ).toThrow(
      [
        'DRIFT_CHECK_CRON: expected 5 fields (minute hour day-of-month month day-of-week), got 4: "*/5 * * *"',
        'DAILY_DIGEST_CRON: "0 25 * * *": Field value (25) is out of range',
        'DAILY_DIGEST_TIMEZONE: "Mars/Olympus" is not an IANA time zone name (e.g. UTC, Europe/Paris)',
        'SPRINT_REVIEW_ENABLED: expected true or false, got "sometimes"',
        'SCHEDULED_DEPLOYMENTS_ENABLED: expected true or false, got "2"',
      ].join('\n'),
    );
  });
});

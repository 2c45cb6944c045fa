import { cronProblem, nextFire, timeZoneProblem } from './cron-schedule.js';

describe('cron expressions and time zones', () => {
  it('accepts the five-field subset both parsers read alike', () => {
    for (const ok of ['* * * * *', '30 2 * * 1-5', '*/15 8-18 * * mon-fri', '0 0 1,15 jan,jul *', '5 4 * * sun']) {
      expect(cronProblem(ok)).toBeNull();
    }
  });

  it('says what is wrong with anything else', () => {
    expect(cronProblem('')).toBe('expected 5 fields (minute hour day-of-month month day-of-week), got none: ""');
    expect(cronProblem('* * * * * *')).toMatch(/^expected 5 fields .* got 6/);
    expect(cronProblem('0 0 L * *')).toBe('"0 0 L * *": Unknown alias: l');
    expect(cronProblem('0 0 ? * *')).toBe('"?" is not a cron field (numbers, *, ranges a-b, lists a,b and steps /n only)');
    expect(cronProblem('61 * * * *')).toBe('"61 * * * *": Field value (61) is out of range');
    expect(cronProblem('0 0 * * 1#2')).toMatch(/is not a cron field/);
  });

  it('knows IANA zones and refuses the rest', () => {
    expect(timeZoneProblem('UTC')).toBeNull();
    expect(timeZoneProblem('Asia/Shanghai')).toBeNull();
    expect(timeZoneProblem('Mars/Olympus')).toMatch(/is not an IANA time zone name/);
    expect(timeZoneProblem('UTC; rm -rf /')).toMatch(/is not an IANA time zone name/);
  });

  it('reads the expression in its zone: 09:00 in Paris is 08:00 UTC in winter', () => {
    expect(nextFire('0 9 * * *', 'Europe/Paris', new Date('2026-12-02T07:00:00Z')).toISOString()).toBe('2026-12-02T08:00:00.000Z');
    expect(nextFire('0 9 * * *', 'UTC', new Date('2026-12-02T09:00:00Z')).toISOString()).toBe('2026-12-03T09:00:00.000Z');
  });
});

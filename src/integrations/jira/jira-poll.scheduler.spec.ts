import { pollIntervalSeconds } from './jira-poll.scheduler.js';

describe('JIRA_POLL_INTERVAL_SECONDS', () => {
  it('defaults to 120 seconds and takes a whole number of at least 10', () => {
    expect(pollIntervalSeconds({})).toBe(120);
    expect(pollIntervalSeconds({ JIRA_POLL_INTERVAL_SECONDS: ' 45 ' })).toBe(45);
  });

  it('names the variable for a value it cannot use', () => {
    for (const bad of ['5', '1.5', 'often', '-30']) {
      expect(() => pollIntervalSeconds({ JIRA_POLL_INTERVAL_SECONDS: bad })).toThrow(
        `JIRA_POLL_INTERVAL_SECONDS: expected a whole number of seconds ≥ 10, got "${bad}"`,
      );
    }
  });
});

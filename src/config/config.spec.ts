import { ConfigError } from './app-config.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('turns JIRA and Confluence off when their base URLs are unset', () => {
    const config = loadConfig({ PORT: '3100' });
    expect(config.app.PORT).toBe(3100);
    expect(config.jira).toBeNull();
    expect(config.confluence).toBeNull();
  });

  it('reads the JIRA poll interval with the other JIRA settings (default 120 s, at least 10)', () => {
    const jira = { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't', JIRA_PROJECT_KEY: 'OPS' };
    expect(loadConfig(jira).jira?.pollIntervalSeconds).toBe(120);
    expect(loadConfig({ ...jira, JIRA_POLL_INTERVAL_SECONDS: ' 45 ' }).jira?.pollIntervalSeconds).toBe(45);
    for (const bad of ['5', '1.5', 'often', '-30']) {
      expect(() => loadConfig({ ...jira, JIRA_POLL_INTERVAL_SECONDS: bad })).toThrow(
        `JIRA_POLL_INTERVAL_SECONDS: expected a whole number of seconds ≥ 10, got "${bad}"`,
      );
    }
  });

  it('reads the webhook replay window (default 300 s, 30 s to a day) and names a bad one in one line', () => {
    const jira = { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't', JIRA_PROJECT_KEY: 'OPS' };
    expect(loadConfig(jira).jira?.webhookMaxAgeSeconds).toBe(300);
    expect(loadConfig({ ...jira, JIRA_WEBHOOK_MAX_AGE_SECONDS: '600' }).jira?.webhookMaxAgeSeconds).toBe(600);
    for (const bad of ['5', '1.5', 'soon', '100000']) {
      expect(() => loadConfig({ ...jira, JIRA_WEBHOOK_MAX_AGE_SECONDS: bad })).toThrow(
        `JIRA_WEBHOOK_MAX_AGE_SECONDS: expected a whole number of seconds from 30 to 86400, got "${bad}"`,
      );
    }
  });

  it('reads how long an unsettled webhook claim is taken for a live handler (default 60 s, 1 s to an hour)', () => {
    const jira = { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't', JIRA_PROJECT_KEY: 'OPS' };
    expect(loadConfig(jira).jira?.webhookClaimTimeoutSeconds).toBe(60);
    expect(loadConfig({ ...jira, JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS: '5' }).jira?.webhookClaimTimeoutSeconds).toBe(5);
    for (const bad of ['0', '2.5', 'later', '7200']) {
      expect(() => loadConfig({ ...jira, JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS: bad })).toThrow(
        `JIRA_WEBHOOK_CLAIM_TIMEOUT_SECONDS: expected a whole number of seconds from 1 to 3600, got "${bad}"`,
      );
    }
  });

  it('names every bad value of every setting on its own line, not only the first', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        JIRA_BASE_URL: 'https://acme.atlassian.net',
        JIRA_PROJECT_KEY: 'ops',
        JIRA_BOARD_ID: 'abc',
        JIRA_POLL_INTERVAL_SECONDS: 'often',
        CONFLUENCE_BASE_URL: 'https://acme.atlassian.net/wiki',
        CONFLUENCE_SPACE_KEY: 'bad key',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = (error as ConfigError).problems;
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'PORT',
      'JIRA_EMAIL',
      'JIRA_PROJECT_KEY',
      'JIRA_BOARD_ID',
      'JIRA_POLL_INTERVAL_SECONDS',
      'CONFLUENCE_USERNAME',
      'CONFLUENCE_API_TOKEN',
      'CONFLUENCE_SPACE_KEY',
    ]);
    expect((error as Error).message.split('\n')).toEqual(lines);
  });
});

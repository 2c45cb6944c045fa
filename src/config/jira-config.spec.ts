import { DEFAULT_TRANSITIONS, loadJiraConfig } from './jira-config.js';

describe('loadJiraConfig', () => {
  const cloud = { JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'ops@acme.io', JIRA_API_TOKEN: 'tok', JIRA_PROJECT_KEY: 'OPS' };

  it('is off (null) without JIRA_BASE_URL', () => {
    expect(loadJiraConfig({})).toBeNull();
    expect(loadJiraConfig({ JIRA_BASE_URL: '  ' })).toBeNull();
  });

  it('reads a Cloud setup with its defaults', () => {
    const config = loadJiraConfig(cloud)!;
    expect(config).toMatchObject({
      flavor: null,
      auth: { kind: 'basic', email: 'ops@acme.io', apiToken: 'tok' },
      projectKey: 'OPS',
      boardId: null,
      sprintMode: 'none',
      sprintDays: 14,
      triggerStatus: 'Ready to Deploy',
      webhookSecret: null,
      webhookMaxAgeSeconds: 300,
      webhookClaimTimeoutSeconds: 60,
      epicLinkField: null,
    });
    expect(config.baseUrl.href).toBe('https://acme.atlassian.net/');
    expect(config.transitions).toEqual(DEFAULT_TRANSITIONS);
  });

  it('reads a Data Center setup with a PAT, a board, a sprint mode and custom transitions', () => {
    const config = loadJiraConfig({
      JIRA_BASE_URL: 'https://jira.corp.example/jira',
      JIRA_PAT: 'pat',
      JIRA_FLAVOR: 'datacenter',
      JIRA_PROJECT_KEY: 'INFRA',
      JIRA_BOARD_ID: '12',
      JIRA_SPRINT_MODE: 'new',
      JIRA_SPRINT_DAYS: '7',
      JIRA_TRIGGER_STATUS: 'Approved',
      JIRA_WEBHOOK_SECRET: 'shh',
      JIRA_TRANSITIONS: '{"done":"Close Issue","blocked":["Impediment","Block"]}',
      JIRA_EPIC_LINK_FIELD: 'customfield_10008',
    })!;
    expect(config).toMatchObject({
      flavor: 'datacenter',
      auth: { kind: 'bearer', token: 'pat' },
      boardId: 12,
      sprintMode: 'new',
      sprintDays: 7,
      triggerStatus: 'Approved',
      webhookSecret: 'shh',
      epicLinkField: 'customfield_10008',
    });
    expect(config.transitions.done).toEqual(['Close Issue']);
    expect(config.transitions.blocked).toEqual(['Impediment', 'Block']);
    expect(config.transitions.todo).toEqual(DEFAULT_TRANSITIONS.todo);
  });

  it('leaves the flavour to the server when JIRA_FLAVOR is unset, whatever the host name', () => {
    expect(loadJiraConfig(cloud)!.flavor).toBeNull();
    expect(loadJiraConfig({ ...cloud, JIRA_BASE_URL: 'https://jira.acme.example' })!.flavor).toBeNull();
    expect(loadJiraConfig({ ...cloud, JIRA_FLAVOR: ' Cloud ' })!.flavor).toBe('cloud');
  });

  it.each([
    [{ JIRA_BASE_URL: 'acme' }, /^JIRA_BASE_URL: "acme" is not a URL/],
    [{ JIRA_BASE_URL: 'ftp://acme' }, /^JIRA_BASE_URL: protocol/],
    [{ JIRA_FLAVOR: 'server' }, /^JIRA_FLAVOR: expected "cloud" or "datacenter", got "server"/],
    [{ JIRA_API_TOKEN: '' }, /^JIRA_API_TOKEN: required with JIRA_EMAIL/],
    [{ JIRA_PAT: 'x' }, /^JIRA_PAT: set either/],
    [{ JIRA_PROJECT_KEY: 'ops' }, /^JIRA_PROJECT_KEY: "ops" is not a JIRA project key/],
    [{ JIRA_BOARD_ID: 'abc' }, /^JIRA_BOARD_ID: expected a positive integer, got "abc"/],
    [{ JIRA_SPRINT_MODE: 'active' }, /^JIRA_BOARD_ID: required when JIRA_SPRINT_MODE is "active"/],
    [{ JIRA_BOARD_ID: '3', JIRA_SPRINT_MODE: 'later' }, /^JIRA_SPRINT_MODE: expected/],
    [{ JIRA_SPRINT_DAYS: '0' }, /^JIRA_SPRINT_DAYS: expected a whole number of days from 1 to 365, got "0"/],
    [{ JIRA_SPRINT_DAYS: '2w' }, /^JIRA_SPRINT_DAYS: expected a whole number/],
    [{ JIRA_TRANSITIONS: '{nope' }, /^JIRA_TRANSITIONS: not valid JSON/],
    [{ JIRA_TRANSITIONS: '{"finished":"Done"}' }, /^JIRA_TRANSITIONS: unknown state "finished"/],
    [{ JIRA_TRANSITIONS: '{"done":[]}' }, /^JIRA_TRANSITIONS: "done" must be/],
    [{ JIRA_EPIC_LINK_FIELD: 'Epic Link' }, /^JIRA_EPIC_LINK_FIELD: expected customfield_<number>/],
  ])('names the variable at fault: %j', (override, message) => {
    expect(() => loadJiraConfig({ ...cloud, ...override })).toThrow(message);
  });

  it('asks for credentials when none are given', () => {
    expect(() => loadJiraConfig({ JIRA_BASE_URL: 'https://acme.atlassian.net', JIRA_PROJECT_KEY: 'OPS' })).toThrow(
      /^JIRA_EMAIL: credentials missing/,
    );
  });
});

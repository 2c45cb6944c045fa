import { MalformedWebhook, parseJiraWebhook } from './webhook-payload.js';
import { decideTrigger } from './webhook-decision.js';

const cloudBody = {
  timestamp: 1764237600000,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Olga Operator' },
  issue: {
    id: '10001',
    key: 'OPS-1',
    fields: {
      summary: 'Keystone',
      issuetype: { name: 'Epic' },
      labels: ['opsprint', 'env-lab', 'phase-keystone'],
      status: { name: 'Ready to Deploy' },
    },
  },
  changelog: {
    id: '10500',
    items: [
      { field: 'assignee', fieldtype: 'jira', from: null, fromString: null, to: 'x', toString: 'Olga' },
      { field: 'status', fieldtype: 'jira', from: '10000', fromString: 'To Do', to: '10004', toString: 'Ready to Deploy' },
    ],
  },
};
const raw = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('parseJiraWebhook', () => {
  it('reads a Cloud delivery: identifier header, status items only, accountId requester', () => {
    const update = parseJiraWebhook(raw(cloudBody), { 'x-atlassian-webhook-identifier': 'abc-123' });
    expect(update).toEqual({
      deliveryKey: 'jira:abc-123',
      timestamp: 1764237600000,
      event: 'jira:issue_updated',
      issueId: '10001',
      issueKey: 'OPS-1',
      issueType: 'Epic',
      labels: ['opsprint', 'env-lab', 'phase-keystone'],
      statusChanges: [{ from: 'To Do', to: 'Ready to Deploy' }],
      requester: 'jira:5b10ac8d82e05b22cc7d4ef5 (Olga Operator)',
      at: new Date(1764237600000),
    });
  });

  it('falls back to event + issue + timestamp + changelog for Data Center, with the user name', () => {
    const body = { ...cloudBody, user: { name: 'olga', key: 'JIRAUSER10000', emailAddress: 'o@x' } };
    const update = parseJiraWebhook(raw(body), {});
    expect(update.deliveryKey).toBe('jira:jira:issue_updated:10001:1764237600000:10500');
    expect(update.requester).toBe('jira:olga');
  });

  it.each([
    ['not json', Buffer.from('{'), 'body is not JSON'],
    ['an array', raw([]), 'body is not a JSON object'],
    ['no event', raw({ ...cloudBody, webhookEvent: undefined }), 'webhookEvent is missing or has the wrong type'],
    ['no issue key', raw({ ...cloudBody, issue: { id: '1' } }), 'issue.key is missing or has the wrong type'],
    ['items not a list', raw({ ...cloudBody, changelog: { id: 1, items: {} } }), 'changelog.items is not a list'],
    [
      'status item without toString',
      raw({ ...cloudBody, changelog: { id: 1, items: [{ field: 'status', fromString: 'To Do' }] } }),
      'changelog.items[].toString is missing for a status change',
    ],
  ])('refuses %s', (_name, body, message) => {
    expect(() => parseJiraWebhook(body, { 'x-atlassian-webhook-identifier': 'id' })).toThrow(new MalformedWebhook(message));
  });
});

describe('decideTrigger', () => {
  const update = parseJiraWebhook(raw(cloudBody), { 'x-atlassian-webhook-identifier': 'x' });

  it('deploys the phase of an OpSprint epic moved into the trigger status', () => {
    expect(decideTrigger(update, 'ready to deploy')).toEqual({ kind: 'deploy', environmentName: 'lab', phases: ['keystone'] });
  });

  it('deploys everything for a deployment request issue', () => {
    expect(decideTrigger({ ...update, issueType: 'Task', labels: ['opsprint-deploy', 'env-prod'] }, 'Ready to Deploy')).toEqual({
      kind: 'deploy',
      environmentName: 'prod',
    });
  });

  it('ignores the rest, saying why', () => {
    expect(decideTrigger({ ...update, statusChanges: [] }, 'Ready to Deploy')).toEqual({
      kind: 'ignore',
      reason: 'no status change in the changelog',
    });
    expect(decideTrigger(update, 'Approved').kind).toBe('ignore');
    expect(decideTrigger({ ...update, labels: ['opsprint', 'env-lab', 'env-prod', 'phase-keystone'] }, 'Ready to Deploy')).toEqual({
      kind: 'ignore',
      reason: 'OPS-1 lacks exactly one env-<name> and one phase-<key> label',
    });
    expect(decideTrigger({ ...update, labels: ['opsprint-deploy'] }, 'Ready to Deploy').kind).toBe('ignore');
  });
});

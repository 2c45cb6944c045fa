import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JiraBacklogSync, type BacklogSyncResult } from '../../../src/integrations/jira/backlog-sync.service.js';
import { JiraStatusSync } from '../../../src/integrations/jira/status-sync.service.js';
import { DEFAULT_TRANSITIONS } from '../../../src/config/jira-config.js';
import type { DeploymentEvent } from '../../../src/infra/events/deployment-events.js';
import { AuditRepository } from '../../../src/persistence/repositories/audit.repository.js';
import { JiraLinkRepository } from '../../../src/persistence/repositories/jira-link.repository.js';
import type { Workflow } from '../../../lab/atlassian/jira/workflow.js';
import { createEnvironment, miniRunbook, sandboxGateway } from './jira-fixtures.js';

describe('JiraStatusSync against the JIRA sandbox', () => {
  let db: TestDatabase;
  let sandbox: AtlassianSandbox;
  let env: { id: string; name: string };
  let backlog: BacklogSyncResult;
  const secrets = ['S3cr3t-rabbit-pass', 'keystone-db-Pa55'];

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startAtlassianSandbox();
    env = await createEnvironment(db.prisma, 'prod');
    const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), {
      projectKey: 'OPS',
      flavor: 'cloud',
      epicLinkField: null,
      sprintMode: 'none',
      boardId: null,
    });
    backlog = await sync.sync(env, miniRunbook);
  });
  afterAll(async () => {
    await sandbox.stop();
    await db.drop();
  });
  beforeEach(() => sandbox.jira.faults.clear());

  const base = () => ({ deploymentId: 'dep-1', environmentId: env.id, environmentName: env.name, at: '2026-11-27T10:00:00Z' });
  const statusOf = (key: string) => sandbox.jira.state.issues.get(key)!.status;
  const statusSync = (maxDelayMs = 50) =>
    new JiraStatusSync(
      new JiraLinkRepository(db.prisma),
      new AuditRepository(db.prisma),
      sandboxGateway(sandbox, 'cloud', { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs } }),
      { transitions: DEFAULT_TRANSITIONS },
      { secretValues: async () => secrets },
    );

  it('moves stories and their epic through In Progress to Done', async () => {
    const sync = statusSync();
    const events: DeploymentEvent[] = [
      { ...base(), type: 'phase.started', phaseKey: 'mariadb' },
      { ...base(), type: 'story.started', phaseKey: 'mariadb', storyKey: 'install' },
    ];
    for (const event of events) await sync.onDeploymentEvent(event);
    expect(statusOf(backlog.epics.mariadb)).toBe('In Progress');
    expect(statusOf(backlog.stories['mariadb/install'])).toBe('In Progress');
    expect(statusOf(backlog.stories['mariadb/secure'])).toBe('To Do');

    await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'install' });
    const transitionsBefore = sandbox.jira.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions')).length;
    // A replayed event finds the story already Done and transitions nothing.
    await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'install' });
    expect(sandbox.jira.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions'))).toHaveLength(transitionsBefore);
    await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'secure' });
    await sync.onDeploymentEvent({ ...base(), type: 'phase.finished', phaseKey: 'mariadb', status: 'succeeded' });
    expect([backlog.epics.mariadb, backlog.stories['mariadb/install'], backlog.stories['mariadb/secure']].map(statusOf)).toEqual([
      'Done',
      'Done',
      'Done',
    ]);
    const link = await db.prisma.jiraLink.findFirst({ where: { environmentId: env.id, entityKey: 'mariadb' } });
    expect(link?.status).toBe('Done');
  });

  it('leaves a failed story Blocked with a comment carrying node, step, exit code and the output tail, without secrets', async () => {
    const sync = statusSync();
    await sync.onDeploymentEvent({ ...base(), type: 'story.started', phaseKey: 'keystone', storyKey: 'bootstrap' });
    await sync.onDeploymentEvent({
      ...base(),
      type: 'story.failed',
      phaseKey: 'keystone',
      storyKey: 'bootstrap',
      node: 'linux-node1.example.com',
      stepKey: 'keystone-manage-bootstrap',
      stepTitle: 'Bootstrap the identity service',
      exitCode: 1,
      outputTail: `+ keystone-manage bootstrap --bootstrap-password ********\nERROR: (pymysql) Access denied for user 'keystone' using password keystone-db-Pa55\n{noformat} tricks`,
    });
    await sync.onDeploymentEvent({ ...base(), type: 'phase.finished', phaseKey: 'keystone', status: 'failed' });

    const story = sandbox.jira.state.issues.get(backlog.stories['keystone/bootstrap'])!;
    expect(story.status).toBe('Blocked');
    expect(statusOf(backlog.epics.keystone)).toBe('Blocked');
    expect(story.comments).toHaveLength(1);
    const comment = story.comments[0].body;
    expect(comment).toContain('{{linux-node1.example.com}}');
    expect(comment).toContain('Bootstrap the identity service ({{keystone-manage-bootstrap}})');
    expect(comment).toContain('Exit code: *1*');
    expect(comment).toContain('Access denied for user');
    expect(comment).not.toContain('keystone-db-Pa55');
    expect(comment.match(/\{noformat\}/g)).toHaveLength(2);
  });

  it('applies a transition delayed by a 429 for as long as Retry-After says', async () => {
    const sync = statusSync(5_000);
    sandbox.jira.faults.rateLimit(1, 1);
    const started = Date.now();
    await sync.onDeploymentEvent({ ...base(), type: 'story.started', phaseKey: 'keystone', storyKey: 'catalog' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(statusOf(backlog.stories['keystone/catalog'])).toBe('In Progress');
    expect(sandbox.jira.faults.injected).toBeGreaterThanOrEqual(1);
  });

  it('retries through a burst of 5xx and applies the transition', async () => {
    const sync = statusSync();
    const injectedBefore = sandbox.jira.faults.injected;
    sandbox.jira.faults.serverErrors(3, 503);
    await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'keystone', storyKey: 'catalog' });
    expect(sandbox.jira.faults.injected - injectedBefore).toBe(3);
    expect(statusOf(backlog.stories['keystone/catalog'])).toBe('Done');
  });

  it('relearns the transitions when the workflow changed under a cached list', async () => {
    const sync = statusSync();
    const key = backlog.stories['keystone/install'];
    await sync.onDeploymentEvent({ ...base(), type: 'story.started', phaseKey: 'keystone', storyKey: 'install' });
    await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'keystone', storyKey: 'install' });
    sandbox.jira.state.issues.get(key)!.status = 'In Progress'; // someone dragged it back on the board
    const done = sandbox.jira.state.workflow.transitions.find((t) => t.to === 'Done')!;
    const originalId = done.id;
    done.id = '131'; // and an admin rebuilt the workflow
    try {
      await sync.onDeploymentEvent({ ...base(), type: 'story.succeeded', phaseKey: 'keystone', storyKey: 'install' });
    } finally {
      done.id = originalId;
    }
    expect(statusOf(key)).toBe('Done');
  });

  it('skips an entity that has no JiraLink and records why', async () => {
    const requestsBefore = sandbox.jira.requests.length;
    await statusSync().onDeploymentEvent({ ...base(), type: 'story.started', phaseKey: 'glance', storyKey: 'install' });
    expect(sandbox.jira.requests).toHaveLength(requestsBefore);
    const audit = await db.prisma.auditEvent.findFirst({ where: { action: 'jira.status.skipped', target: 'glance/install' } });
    expect(audit?.detail).toMatchObject({ reason: expect.stringContaining('no JiraLink'), deploymentId: 'dep-1' });
  });
});

describe('JiraStatusSync with a classic workflow (transition names differ from status names)', () => {
  let db: TestDatabase;
  let sandbox: AtlassianSandbox;
  const workflow: Workflow = {
    initialStatus: 'Open',
    statuses: [
      { id: '1', name: 'Open', category: 'new' },
      { id: '3', name: 'In Progress', category: 'indeterminate' },
      { id: '6', name: 'Closed', category: 'done' },
      { id: '7', name: 'Impeded', category: 'indeterminate' },
    ],
    transitions: [
      { id: '4', name: 'Start Progress', from: ['Open'], to: 'In Progress' },
      { id: '2', name: 'Close Issue', from: ['In Progress'], to: 'Closed' },
      { id: '8', name: 'Flag Impediment', from: ['In Progress'], to: 'Impeded' },
    ],
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = await startAtlassianSandbox({ jira: { workflow } });
  });
  afterAll(async () => {
    await sandbox.stop();
    await db.drop();
  });

  it('follows JIRA_TRANSITIONS names, and records a state the workflow cannot reach from where the issue is', async () => {
    const env = await createEnvironment(db.prisma, 'classic');
    const backlog = await new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), {
      projectKey: 'OPS',
      flavor: 'cloud',
      epicLinkField: null,
      sprintMode: 'none',
      boardId: null,
    }).sync(env, miniRunbook);
    const transitions = { ...DEFAULT_TRANSITIONS, done: ['Close Issue'], blocked: ['Flag Impediment'] };
    const sync = new JiraStatusSync(
      new JiraLinkRepository(db.prisma),
      new AuditRepository(db.prisma),
      sandboxGateway(sandbox),
      { transitions },
      {
        secretValues: async () => [],
      },
    );
    const base = { deploymentId: 'dep-9', environmentId: env.id, environmentName: env.name, at: '2026-11-27T10:00:00Z' };
    const statusOf = (key: string) => sandbox.jira.state.issues.get(key)!.status;

    await sync.onDeploymentEvent({ ...base, type: 'story.started', phaseKey: 'mariadb', storyKey: 'install' });
    await sync.onDeploymentEvent({ ...base, type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'install' });
    expect(statusOf(backlog.stories['mariadb/install'])).toBe('Closed');

    // Close Issue is only offered from In Progress: a story still Open cannot be closed directly.
    await sync.onDeploymentEvent({ ...base, type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'secure' });
    expect(statusOf(backlog.stories['mariadb/secure'])).toBe('Open');
    const audit = await db.prisma.auditEvent.findFirst({
      where: { action: 'jira.status.unavailable', target: backlog.stories['mariadb/secure'] },
    });
    expect(audit?.detail).toMatchObject({ state: 'done', status: 'Open', offered: ['Start Progress → In Progress'] });
  });
});

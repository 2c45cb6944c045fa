import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JiraBacklogSync, type BacklogSyncResult } from '../../../src/integrations/jira/backlog-sync.service.js';
import { JiraStatusSync } from '../../../src/integrations/jira/status-sync.service.js';
import { SprintPlacement } from '../../../src/integrations/jira/sprint-placement.js';
import type { JiraSprintLifecycle } from '../../../src/integrations/jira/sprint-lifecycle.service.js';
import type { JiraGateway } from '../../../src/integrations/jira/jira.gateway.js';
import { DEFAULT_TRANSITIONS } from '../../../src/config/jira-config.js';
import type { DeploymentEvent } from '../../../src/infra/events/deployment-events.js';
import { AuditRepository } from '../../../src/persistence/repositories/audit.repository.js';
import { JiraLinkRepository } from '../../../src/persistence/repositories/jira-link.repository.js';
import type { Workflow } from '../../../lab/atlassian/jira/workflow.js';
import { createEnvironment, miniRunbook, sandboxGateway } from './jira-fixtures.js';

describe('status-sync', () => {
  /** Placement switched off (sprint mode none): these tests are about statuses and comments. */
  const noSprints = (gateway: JiraGateway) =>
    new SprintPlacement(gateway, { sprintMode: 'none', boardId: null }, undefined as unknown as JiraSprintLifecycle);

  /** A phase.finished event: `withWork` had a change or failure, `passed` passed every step. */
  const finished = (
    phaseKey: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    stories: { withWork?: string[]; passed?: string[] } = {},
  ) => ({
    type: 'phase.finished' as const,
    phaseKey,
    status,
    storiesWithWork: stories.withWork ?? [],
    storiesPassed: stories.passed ?? [],
  });

  const started = (phaseKey: string, storyKey: string) => ({
    type: 'story.started' as const,
    phaseKey,
    storyKey,
    node: 'linux-node1.example.com',
    stepKey: `${storyKey}-run`,
    stepTitle: `Run ${storyKey}`,
    change: 'its check `test -f /etc/done` did not pass, so it runs `true`',
  });

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
      backlog = await backlogSync().sync(env, miniRunbook);
    });
    afterAll(async () => {
      await sandbox.stop();
      await db.drop();
    });
    beforeEach(() => sandbox.jira.faults.clear());

    const backlogSync = () =>
      new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), {
        projectKey: 'OPS',
        epicLinkField: null,
      });
    const base = (dryRun = false) => ({
      deploymentId: 'dep-1',
      environmentId: env.id,
      environmentName: env.name,
      dryRun,
      at: '2026-11-27T10:00:00Z',
    });
    const statusOf = (key: string) => sandbox.jira.state.issues.get(key)!.status;
    const statusSync = (maxDelayMs = 50) => {
      const gateway = sandboxGateway(sandbox, 'cloud', { retry: { attempts: 4, baseDelayMs: 5, maxDelayMs } });
      return new JiraStatusSync(
        new JiraLinkRepository(db.prisma),
        new AuditRepository(db.prisma),
        gateway,
        { transitions: DEFAULT_TRANSITIONS, projectKey: 'OPS' },
        { secretValues: async () => secrets },
        noSprints(gateway),
      );
    };
    /** Requests JIRA receives while `work` runs, as "METHOD path". */
    const requestsDuring = async (work: () => Promise<void>) => {
      const before = sandbox.jira.requests.length;
      await work();
      return sandbox.jira.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    };

    it('moves a story with work and its epic through In Progress to Done, and a story with none straight to Done', async () => {
      const sync = statusSync();
      const events: DeploymentEvent[] = [
        { ...base(), type: 'phase.started', phaseKey: 'mariadb' },
        { ...base(), ...started('mariadb', 'install') },
      ];
      for (const event of events) await sync.onDeploymentEvent(event);
      expect(statusOf(backlog.epics.mariadb)).toBe('In Progress');
      expect(statusOf(backlog.stories['mariadb/install'])).toBe('In Progress');
      expect(statusOf(backlog.stories['mariadb/secure'])).toBe('To Do');

      const phaseDone = { ...base(), ...finished('mariadb', 'succeeded', { withWork: ['install'], passed: ['install', 'secure'] }) };
      await sync.onDeploymentEvent(phaseDone);
      // A replayed event finds every issue already Done (as recorded) and asks JIRA nothing.
      expect(await requestsDuring(() => sync.onDeploymentEvent(phaseDone))).toEqual([]);
      expect([backlog.epics.mariadb, backlog.stories['mariadb/install'], backlog.stories['mariadb/secure']].map(statusOf)).toEqual([
        'Done',
        'Done',
        'Done',
      ]);
      const link = await db.prisma.jiraLink.findFirst({ where: { environmentId: env.id, entityKey: 'mariadb' } });
      expect({ status: link?.status, category: link?.statusCategory }).toEqual({ status: 'Done', category: 'done' });
      // Each issue was transitioned once per status it passed through, never to a status it had.
      const transitions = sandbox.jira.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions'));
      expect(transitions.map((r) => r.path.split('/')[5]).sort()).toEqual(
        [
          backlog.epics.mariadb,
          backlog.epics.mariadb,
          backlog.stories['mariadb/install'],
          backlog.stories['mariadb/install'],
          backlog.stories['mariadb/secure'],
        ].sort(),
      );
    });

    it('leaves Done issues alone when a rerun finds their steps in place: no request at all', async () => {
      const sync = statusSync();
      const rerun: DeploymentEvent[] = [
        { ...base(), type: 'phase.started', phaseKey: 'mariadb' },
        { ...base(), type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'install' },
        { ...base(), type: 'story.succeeded', phaseKey: 'mariadb', storyKey: 'secure' },
        { ...base(), ...finished('mariadb', 'succeeded', { passed: ['install', 'secure'] }) },
        { ...base(), type: 'deployment.finished', status: 'succeeded' },
      ];
      expect(
        await requestsDuring(async () => {
          for (const event of rerun) await sync.onDeploymentEvent(event);
        }),
      ).toEqual([]);
    });

    it('changes nothing in JIRA for a check-mode run, whatever its events say', async () => {
      const sync = statusSync();
      const dryRun: DeploymentEvent[] = [
        { ...base(true), ...started('mariadb', 'secure') },
        {
          ...base(true),
          type: 'story.failed',
          phaseKey: 'mariadb',
          storyKey: 'secure',
          node: 'linux-node1.example.com',
          stepKey: 'secure-run',
          stepTitle: 'Run secure',
          exitCode: 1,
          outputTail: 'no',
        },
        { ...base(true), ...finished('mariadb', 'failed', { withWork: ['secure'], passed: ['install'] }) },
      ];
      expect(
        await requestsDuring(async () => {
          for (const event of dryRun) await sync.onDeploymentEvent(event);
        }),
      ).toEqual([]);
      expect(statusOf(backlog.stories['mariadb/secure'])).toBe('Done');
    });

    it('reopens a Done story and its epic with a comment saying which step on which node changes what, secrets masked', async () => {
      const sync = statusSync();
      const story = sandbox.jira.state.issues.get(backlog.stories['mariadb/secure'])!;
      const epic = sandbox.jira.state.issues.get(backlog.epics.mariadb)!;
      const commentsBefore = { story: story.comments.length, epic: epic.comments.length };
      await sync.onDeploymentEvent({
        ...base(),
        ...started('mariadb', 'secure'),
        stepKey: 'mysql-root-password',
        stepTitle: 'Set the MariaDB root password',
        change: "its check `mysql -u root -pS3cr3t-rabbit-pass -e 'SELECT 1'` did not pass, so it runs `mysqladmin password`",
      });
      expect([story.status, epic.status]).toEqual(['In Progress', 'In Progress']);
      expect(story.comments).toHaveLength(commentsBefore.story + 1);
      const comment = story.comments.at(-1)!.body;
      expect(comment).toContain('Reopened by OpSprint');
      expect(comment).toContain('Set the MariaDB root password ({{mysql-root-password}}) on node {{linux-node1.example.com}}');
      expect(comment).toContain('did not pass, so it runs');
      expect(comment).not.toContain('S3cr3t-rabbit-pass');
      expect(epic.comments).toHaveLength(commentsBefore.epic + 1);
      expect(epic.comments.at(-1)!.body).toContain(`its story ${story.key} has work again`);

      // The same story starting again in this deployment is already In Progress: nothing more is written.
      expect(await requestsDuring(() => sync.onDeploymentEvent({ ...base(), ...started('mariadb', 'secure') }))).toEqual([]);
      await sync.onDeploymentEvent({
        ...base(),
        ...finished('mariadb', 'succeeded', { withWork: ['secure'], passed: ['install', 'secure'] }),
      });
      expect([story.status, epic.status]).toEqual(['Done', 'Done']);
    });

    it('leaves a failed story Blocked with a comment carrying node, step, exit code and the output tail, without secrets', async () => {
      const sync = statusSync();
      await sync.onDeploymentEvent({ ...base(), ...started('keystone', 'bootstrap') });
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
      await sync.onDeploymentEvent({ ...base(), ...finished('keystone', 'failed', { withWork: ['bootstrap'] }) });

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

    it('moves a Blocked story whose steps now pass to Done, without a comment', async () => {
      const sync = statusSync();
      const story = sandbox.jira.state.issues.get(backlog.stories['keystone/bootstrap'])!;
      expect(story.status).toBe('Blocked');
      const comments = story.comments.length;
      await sync.onDeploymentEvent({ ...base(), ...finished('keystone', 'succeeded', { passed: ['bootstrap'] }) });
      expect(story.status).toBe('Done');
      expect(statusOf(backlog.epics.keystone)).toBe('Done');
      expect(story.comments).toHaveLength(comments);
    });

    it('applies a transition delayed by a 429 for as long as Retry-After says', async () => {
      const sync = statusSync(5_000);
      sandbox.jira.faults.rateLimit(1, 1);
      const startedAt = Date.now();
      await sync.onDeploymentEvent({ ...base(), ...started('keystone', 'catalog') });
      // A lower bound (Retry-After: 1): a slow machine can only make it longer, never break it.
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
      expect(statusOf(backlog.stories['keystone/catalog'])).toBe('In Progress');
      expect(sandbox.jira.faults.injected).toBeGreaterThanOrEqual(1);
    });

    it('retries through a burst of 5xx and applies the transition', async () => {
      const sync = statusSync();
      const injectedBefore = sandbox.jira.faults.injected;
      sandbox.jira.faults.serverErrors(3, 503);
      await sync.onDeploymentEvent({ ...base(), ...finished('keystone', 'succeeded', { passed: ['catalog'] }) });
      expect(sandbox.jira.faults.injected - injectedBefore).toBe(3);
      expect(statusOf(backlog.stories['keystone/catalog'])).toBe('Done');
    });

    it('relearns the transitions when the workflow changed under a cached list', async () => {
      const sync = statusSync();
      const key = backlog.stories['keystone/install'];
      await sync.onDeploymentEvent({ ...base(), ...started('keystone', 'install') });
      await sync.onDeploymentEvent({ ...base(), ...finished('keystone', 'succeeded', { withWork: ['install'], passed: ['install'] }) });
      expect(statusOf(key)).toBe('Done');
      sandbox.jira.state.issues.get(key)!.status = 'In Progress'; // someone dragged it back on the board
      await backlogSync().sync(env, miniRunbook); // the next deployment starts: its sync reads where every issue is
      const done = sandbox.jira.state.workflow.transitions.find((t) => t.to === 'Done')!;
      const originalId = done.id;
      done.id = '131'; // and an admin rebuilt the workflow
      try {
        await sync.onDeploymentEvent({ ...base(), ...finished('keystone', 'succeeded', { passed: ['install'] }) });
      } finally {
        done.id = originalId;
      }
      expect(statusOf(key)).toBe('Done');
    });

    it('skips an entity that has no JiraLink and records why', async () => {
      const requestsBefore = sandbox.jira.requests.length;
      await statusSync().onDeploymentEvent({ ...base(), ...started('glance', 'install') });
      expect(sandbox.jira.requests).toHaveLength(requestsBefore);
      const audit = await db.prisma.auditEvent.findFirst({ where: { action: 'jira.status.skipped', target: 'glance/install' } });
      expect(audit?.detail).toMatchObject({ reason: expect.stringContaining('no JiraLink'), deploymentId: 'dep-1' });

      // The phase's end reads its stories and epic at once: each one missing is recorded with the state it would get.
      await statusSync().onDeploymentEvent({
        ...base(),
        ...finished('glance', 'succeeded', { withWork: ['install'], passed: ['install'] }),
      });
      expect(sandbox.jira.requests).toHaveLength(requestsBefore);
      const skipped = await db.prisma.auditEvent.findMany({
        where: { action: 'jira.status.skipped', target: { in: ['glance', 'glance/install'] } },
      });
      const described = skipped.map((event) => {
        const detail = event.detail as { event: string; state: string };
        return `${event.target} ${detail.event} ${detail.state}`;
      });
      expect(described.sort()).toEqual([
        'glance phase.finished done',
        'glance story.started in_progress',
        'glance/install phase.finished done',
        'glance/install phase.finished in_progress',
        'glance/install story.started in_progress',
      ]);
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
        epicLinkField: null,
      }).sync(env, miniRunbook);
      const transitions = { ...DEFAULT_TRANSITIONS, done: ['Close Issue'], blocked: ['Flag Impediment'] };
      const gateway = sandboxGateway(sandbox);
      const sync = new JiraStatusSync(
        new JiraLinkRepository(db.prisma),
        new AuditRepository(db.prisma),
        gateway,
        { transitions, projectKey: 'OPS' },
        { secretValues: async () => [] },
        noSprints(gateway),
      );
      const base = { deploymentId: 'dep-9', environmentId: env.id, environmentName: env.name, dryRun: false, at: '2026-11-27T10:00:00Z' };
      const statusOf = (key: string) => sandbox.jira.state.issues.get(key)!.status;

      await sync.onDeploymentEvent({ ...base, ...started('mariadb', 'install') });
      const phaseDone = { ...base, ...finished('mariadb', 'succeeded', { withWork: ['install'], passed: ['install'] }) };
      await sync.onDeploymentEvent(phaseDone);
      expect([backlog.stories['mariadb/install'], backlog.epics.mariadb].map(statusOf)).toEqual(['Closed', 'Closed']);
      // Closed is of JIRA's done category: both count as done although no transition is named like it.
      const requestsBefore = sandbox.jira.requests.length;
      await sync.onDeploymentEvent(phaseDone);
      expect(sandbox.jira.requests).toHaveLength(requestsBefore);

      // Close Issue is only offered from In Progress: a story still Open cannot be closed directly.
      await sync.onDeploymentEvent({ ...base, ...finished('mariadb', 'succeeded', { passed: ['secure'] }) });
      expect(statusOf(backlog.stories['mariadb/secure'])).toBe('Open');
      const audit = await db.prisma.auditEvent.findFirst({
        where: { action: 'jira.status.unavailable', target: backlog.stories['mariadb/secure'] },
      });
      expect(audit?.detail).toMatchObject({ state: 'done', status: 'Open', offered: ['Start Progress → In Progress'] });
    });
  });
});

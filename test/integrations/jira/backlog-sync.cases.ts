import { createTestDatabase, type TestDatabase } from '../../support/database.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../../lab/atlassian/server.js';
import { JiraBacklogSync, type BacklogSyncConfig } from '../../../src/integrations/jira/backlog-sync.service.js';
import { JiraLinkRepository } from '../../../src/persistence/repositories/jira-link.repository.js';
import type { StoredIssue } from '../../../lab/atlassian/jira/jira-state.js';
import { createEnvironment, miniRunbook, sandboxGateway } from './jira-fixtures.js';

describe('backlog-sync', () => {
  describe('JiraBacklogSync against the JIRA sandbox', () => {
    let db: TestDatabase;
    let sandbox: AtlassianSandbox;
    const cloud: BacklogSyncConfig = { projectKey: 'OPS', epicLinkField: null };

    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());
    beforeEach(async () => {
      sandbox = await startAtlassianSandbox();
    });
    afterEach(() => sandbox.stop());

    const issuesOf = (env: string, type?: string): StoredIssue[] =>
      [...sandbox.jira.state.issues.values()].filter((i) => i.labels.includes(`env-${env}`) && (!type || i.issueType === type));

    it('creates one epic per phase and every story under its epic, and records their statuses', async () => {
      const env = await createEnvironment(db.prisma, 'lab');
      const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), cloud);
      const result = await sync.sync(env, miniRunbook);

      const epics = issuesOf('lab', 'Epic');
      expect(epics.map((e) => e.summary).sort()).toEqual(['Keystone identity service', 'MariaDB database']);
      const keystone = epics.find((e) => e.labels.includes('phase-keystone'))!;
      expect(keystone.labels).toEqual(['opsprint', 'env-lab', 'phase-keystone']);
      expect(keystone.description).toContain('Tokens are issued & the catalog lists the endpoints');

      const stories = issuesOf('lab', 'Story');
      expect(stories).toHaveLength(5);
      const bootstrap = stories.find((s) => s.labels.includes('story-bootstrap'))!;
      expect(bootstrap.parentKey).toBe(keystone.key);
      expect(bootstrap.description).toContain('As an operator I want bootstrap keystone');
      expect(bootstrap.description).toContain('\\*openstack\\* \\[table\\]');
      // Story keys repeat across phases: the phase label tells them apart.
      expect(
        stories
          .filter((s) => s.labels.includes('story-install'))
          .map((s) => s.parentKey)
          .sort(),
      ).toEqual(epics.map((e) => e.key).sort());

      // Stories join a sprint when a deployment has work for them, not because the backlog was synced.
      expect(sandbox.jira.state.sprints).toEqual([]);
      expect(result.stories['keystone/bootstrap']).toBe(bootstrap.key);

      const links = await db.prisma.jiraLink.findMany({ where: { environmentId: env.id } });
      expect(links.map((l) => `${l.entityType}:${l.entityKey}=${l.issueKey} ${l.status}/${l.statusCategory}`).sort()).toEqual(
        [
          ...epics.map((e) => `epic:${e.labels[2].slice(6)}=${e.key} To Do/new`),
          ...stories.map((s) => `story:${s.labels[2].slice(6)}/${s.labels[3].slice(6)}=${s.key} To Do/new`),
        ].sort(),
      );
    });

    it('changes nothing on a second sync, and updates only what the runbook changed', async () => {
      const env = await createEnvironment(db.prisma, 'twice');
      const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), cloud);
      await sync.sync(env, miniRunbook);
      // Someone moves a story on the board: the next sync records where it is now.
      const secure = issuesOf('twice', 'Story').find((s) => s.labels.includes('story-secure'))!;
      secure.status = 'Done';
      const requestsBefore = sandbox.jira.requests.length;
      const second = await sync.sync(env, miniRunbook);
      expect(second.created).toEqual([]);
      expect(second.updated).toEqual([]);
      expect(second.unchanged).toHaveLength(7);
      expect(issuesOf('twice')).toHaveLength(7);
      // One search, nothing written.
      expect(sandbox.jira.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /rest/api/2/search/jql']);
      const link = await db.prisma.jiraLink.findFirstOrThrow({ where: { environmentId: env.id, issueKey: secure.key } });
      expect({ status: link.status, category: link.statusCategory }).toEqual({ status: 'Done', category: 'done' });

      const renamed = structuredClone(miniRunbook);
      renamed.phases[1].stories[2].title = 'Register the service catalog';
      const third = await sync.sync(env, renamed);
      expect(third.created).toEqual([]);
      // The epic lists its stories' acceptance, so it changes with them.
      expect(third.updated.sort()).toEqual([second.epics.keystone, second.stories['keystone/catalog']].sort());
      expect(sandbox.jira.state.issues.get(second.stories['keystone/catalog'])!.summary).toBe('Register the service catalog');
    });

    it('never duplicates after a sync cut off between JIRA storing issues and the rows being written', async () => {
      const env = await createEnvironment(db.prisma, 'cut');
      const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(sandbox), cloud);
      // The first epic is answered; the bulk create of its stories is stored, then the connection drops.
      sandbox.jira.faults.dropCreateAnswerAfter(1);
      await expect(sync.sync(env, miniRunbook)).rejects.toThrow();
      expect(issuesOf('cut')).toHaveLength(3);
      expect(await db.prisma.jiraLink.count({ where: { environmentId: env.id } })).toBe(1);

      const rerun = await sync.sync(env, miniRunbook);
      expect(issuesOf('cut', 'Epic')).toHaveLength(2);
      expect(issuesOf('cut', 'Story')).toHaveLength(5);
      expect(rerun.created).toHaveLength(4);
      expect(await db.prisma.jiraLink.count({ where: { environmentId: env.id } })).toBe(7);

      // Even with every row lost, the labels find all seven again.
      await db.prisma.jiraLink.deleteMany({ where: { environmentId: env.id } });
      const fromLabels = await sync.sync(env, miniRunbook);
      expect(fromLabels.created).toEqual([]);
      expect(issuesOf('cut')).toHaveLength(7);
      expect(await db.prisma.jiraLink.count({ where: { environmentId: env.id } })).toBe(7);
    });

    it('links stories to epics with an issue link on Data Center without an Epic Link field, once', async () => {
      const dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
      try {
        const env = await createEnvironment(db.prisma, 'dc');
        const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(dc, 'datacenter'), cloud);
        await sync.sync(env, miniRunbook);
        await sync.sync(env, miniRunbook);
        const issues = [...dc.jira.state.issues.values()];
        expect(issues).toHaveLength(7);
        const epic = issues.find((i) => i.labels.includes('phase-mariadb') && i.issueType === 'Epic')!;
        expect(epic.links.map((l) => `${l.type}:${l.otherKey}`).sort()).toEqual(
          issues
            .filter((i) => i.issueType === 'Story' && i.labels.includes('phase-mariadb'))
            .map((s) => `Relates:${s.key}`)
            .sort(),
        );
      } finally {
        await dc.stop();
      }
    });

    it('fills the Epic Link custom field on Data Center when one is configured', async () => {
      const dc = await startAtlassianSandbox({ jira: { deploymentType: 'Server' } });
      try {
        const env = await createEnvironment(db.prisma, 'dc-field');
        const config: BacklogSyncConfig = {
          ...cloud,
          epicLinkField: 'customfield_10008',
        };
        const sync = new JiraBacklogSync(new JiraLinkRepository(db.prisma), sandboxGateway(dc, 'datacenter'), config);
        const result = await sync.sync(env, miniRunbook);
        const story = dc.jira.state.issues.get(result.stories['keystone/catalog'])!;
        expect(story.custom.customfield_10008).toBe(result.epics.keystone);
        expect(story.links).toEqual([]);
        expect((await sync.sync(env, miniRunbook)).updated).toEqual([]);
      } finally {
        await dc.stop();
      }
    });
  });
});

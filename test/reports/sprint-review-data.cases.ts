/**
 * The sprint review from real data, without JIRA or Confluence: a sprint created through the
 * service, deployments run by the engine (steps by the local bash) inside it, and the report
 * read back through SprintReviewService. What a team would check: every attempt of a retried
 * step is there with its own timings and first error line, a dry run joins the sprint but counts
 * nowhere, stories end done, and a deployment before the sprint is not in it.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { SprintReviewService } from '../../src/reports/sprint-review.service.js';
import { SprintsService } from '../../src/reports/sprints.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import type { Runbook } from '../../src/runbooks/model.js';
import { commandRunbook, createLocalEnvironment, finished } from '../engine/support/engine-fixtures.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

describe('sprint-review-data', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-sprint-'));
  const marker = path.join(dir, 'fixed');
  const runbook = commandRunbook('sprinty', [
    { key: 'base', steps: ['sleep 0.2'] },
    {
      key: 'db',
      dependsOn: ['base'],
      // Fails (exit 4, an error line on stderr) until the marker exists; the retry finds it.
      steps: [`test -e ${marker} || { echo 'ERROR 1045: access denied' >&2; echo 'second line' >&2; exit 4; }`],
    },
  ]);

  // Three stories in one phase, each step guarded: a rerun finds them done unless a marker is gone.
  const steadyFixture = commandRunbook('steady', [{ key: 'calm', steps: [] }]);
  const steady: Runbook = {
    ...steadyFixture,
    phases: steadyFixture.phases.map((phase) => ({
      ...phase,
      stories: ['one', 'two', 'three'].map((key) => ({
        key,
        title: `story ${key}`,
        userStory: 'As an operator I want the marker so that the story is done',
        acceptanceCriteria: ['the marker exists'],
        steps: [
          { kind: 'command' as const, key: `${key}-s1`, title: `mark ${key}`, run: `touch ${dir}/${key}`, guard: `test -e ${dir}/${key}` },
        ],
      })),
    })),
  };

  const sessions = new LocalSessionFactory();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ sessionFactory: sessions, catalog: RunbookCatalog.of([runbook, steady]) });
    await createLocalEnvironment(t);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const deploy = (dryRun = false) =>
    t.app.get(DeploymentsService).create({ environment: 'local', runbook: 'sprinty', trigger: 'api', requester: 'sprint-test', dryRun });

  it('builds the review of a sprint from the deployments that ran in it', async () => {
    // Before the sprint: not part of it.
    const before = await deploy();
    expect((await finished(t.db.prisma, before.id)).status).toBe('failed');

    const sprints = t.app.get(SprintsService);
    const sprint = await sprints.create({
      name: 'Sprint 1',
      goal: 'Deploy the local cloud',
      endAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
      environment: 'local',
      runbook: 'sprinty',
      actor: 'sprint-test',
    });
    expect(sprint.state).toBe('active');

    const failing = await deploy();
    expect((await finished(t.db.prisma, failing.id)).status).toBe('failed');
    const dry = await deploy(true);
    expect((await finished(t.db.prisma, dry.id)).status).not.toBe('running');
    writeFileSync(marker, '');
    await t.app.get(DeploymentsService).retry(failing.id, 'sprint-test');
    expect((await finished(t.db.prisma, failing.id)).status).toBe('succeeded');

    const review = t.app.get(SprintReviewService);
    // The status follower writes after the events; wait until the last story is done.
    const report = await eventually(async () => {
      const current = await review.report(sprint.id);
      return current.scope.done.stories === 2 ? current : undefined;
    }, 30_000);

    expect(report.sprint.name).toBe('Sprint 1');
    expect(report.scope.committed.stories).toBe(2);
    expect(report.stories.map((story) => [story.issueKey, story.status])).toEqual([
      ['local:base/base-story', 'done'],
      ['local:db/db-story', 'done'],
    ]);
    // The retried deployment counts; the dry run is only counted apart; the one before the sprint is absent.
    expect(report.deployments.dryRunsExcluded).toBe(1);
    expect(report.deployments.list.map((line) => line.id)).toEqual([failing.id]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ stepKey: 'db-s1', exitCode: 4, firstErrorLine: 'ERROR 1045: access denied', attempt: 1 });
    expect(report.retries).toHaveLength(1);
    expect(report.retries[0]).toMatchObject({ stepKey: 'db-s1', attempts: 2, failedAttempts: 1, finalStatus: 'changed' });
    expect(report.dora.changeFailureRate).toMatchObject({ failedDeployments: 1, finishedDeployments: 1, rate: 1 });
    // Real durations per attempt: the sleep step took at least its 200 ms.
    const base = report.slowestSteps.find((step) => step.stepKey === 'base-s1');
    expect(base?.maxMs).toBeGreaterThanOrEqual(200);

    const listed = await review.listSprints();
    expect(listed).toEqual([
      expect.objectContaining({ id: sprint.id, name: 'Sprint 1', state: 'active', environment: 'local', deployments: 2 }),
    ]);

    const closed = await sprints.close(sprint.id, 'sprint-test');
    expect(closed.state).toBe('closed');
    expect((await review.report(sprint.id)).sprint.state).toBe('closed');
  });

  it("records a story's status only when it changes: a rerun that finds the phase's stories done adds nothing", async () => {
    const run = async () => {
      const created = await t.app
        .get(DeploymentsService)
        .create({ environment: 'local', runbook: 'steady', trigger: 'api', requester: 'sprint-test' });
      expect((await finished(t.db.prisma, created.id)).status).toBe('succeeded');
      return created.id;
    };
    // The status follower writes after the events: wait for the phase's stories of this deployment.
    const history = async (deploymentId: string, expected: number) => {
      await eventually(
        async () => ((await t.db.prisma.storyStatusChange.count({ where: { deploymentId } })) === expected ? true : undefined),
        30_000,
      );
      const rows = await t.db.prisma.storyStatusChange.findMany({
        where: { storyKey: { startsWith: 'local:calm/' } },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
      });
      const byStory: Record<string, string[]> = {};
      for (const row of rows) (byStory[row.storyKey] ??= []).push(row.category);
      return byStory;
    };

    // First run: every story had work, then passed.
    expect(await history(await run(), 6)).toEqual({
      'local:calm/one': ['in_progress', 'done'],
      'local:calm/two': ['in_progress', 'done'],
      'local:calm/three': ['in_progress', 'done'],
    });
    // Story two's marker is gone: only it moves again; one and three, done again, get no new row.
    unlinkSync(path.join(dir, 'two'));
    expect(await history(await run(), 2)).toEqual({
      'local:calm/one': ['in_progress', 'done'],
      'local:calm/two': ['in_progress', 'done', 'in_progress', 'done'],
      'local:calm/three': ['in_progress', 'done'],
    });
    // Nothing changed: nothing recorded.
    const unchanged = await run();
    expect(await history(unchanged, 0)).toEqual({
      'local:calm/one': ['in_progress', 'done'],
      'local:calm/two': ['in_progress', 'done', 'in_progress', 'done'],
      'local:calm/three': ['in_progress', 'done'],
    });
  });
});

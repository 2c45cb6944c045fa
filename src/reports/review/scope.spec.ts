import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from './sprint-report.js';

const report = () => buildSprintReport(sprintSeven(), t('09T12:00'));

describe('committed vs done', () => {
  it('counts the sprint backlog at the start, what came and went, and what got done, by stories and points', () => {
    const { scope } = report();
    // Committed: OPS-11 (3), 12 (2), 21 (5), 22 (3), 31 (3), 41 (no points).
    expect(scope.committed).toEqual({ stories: 6, storyPoints: 16 });
    // OPS-32 (2) added on Wednesday; adding OPS-31 again changed nothing.
    expect(scope.added).toEqual({ stories: 1, storyPoints: 2 });
    // OPS-41, unestimated, removed on Thursday.
    expect(scope.removed).toEqual({ stories: 1, storyPoints: 0 });
    expect(scope.final).toEqual({ stories: 6, storyPoints: 18 });
    // Everything but OPS-32 (blocked by the failed upload).
    expect(scope.done).toEqual({ stories: 5, storyPoints: 16 });
    expect(scope.committedDone).toEqual({ stories: 5, storyPoints: 16 });
    expect(scope.notDone).toEqual({ stories: 1, storyPoints: 2 });
    expect(scope.completionRatio).toBeCloseTo(5 / 6, 10);
    expect(scope.unestimatedStories).toBe(0);
    expect(scope.final.stories).toBe(scope.committed.stories + scope.added.stories - scope.removed.stories);
  });

  it('lists every story with its scope history, status and links to JIRA, the deployment and the page version', () => {
    const { stories } = report();
    expect(stories.map((s) => s.issueKey)).toEqual(['OPS-11', 'OPS-12', 'OPS-21', 'OPS-22', 'OPS-31', 'OPS-32', 'OPS-41']);
    const byKey = new Map(stories.map((s) => [s.issueKey, s]));
    expect(byKey.get('OPS-21')).toMatchObject({
      committed: true,
      inScope: true,
      status: 'done',
      doneAt: t('03T14:02'),
      links: {
        issueKey: 'OPS-21',
        epicKey: 'OPS-2',
        deploymentId: 'dep-1',
        confluencePage: { url: expect.stringContaining('keystone'), version: 4 },
      },
    });
    // The latest real run of OPS-11 is dep-3's base phase (page v3), not dep-1's.
    expect(byKey.get('OPS-11')!.links).toMatchObject({ deploymentId: 'dep-3', confluencePage: { version: 3 } });
    expect(byKey.get('OPS-32')).toMatchObject({ committed: false, addedAt: t('04T11:00'), status: 'blocked', doneAt: null });
    // Its only real run is dep-4; the dry run dep-2 touched it too but is never a link target.
    expect(byKey.get('OPS-32')!.links.deploymentId).toBe('dep-4');
    expect(byKey.get('OPS-41')).toMatchObject({
      committed: true,
      inScope: false,
      removedAt: t('05T10:00'),
      status: 'todo',
      links: { deploymentId: null },
    });
  });

  it('counts epics: committed when a committed story belongs to them, done when every story left in them is', () => {
    const { epics } = report();
    expect(epics).toMatchObject({ committed: 4, committedDone: 2, total: 3, done: 2 });
    expect(epics.epics.map((e) => [e.epicKey, e.stories, e.doneStories, e.storyPoints, e.donePoints, e.done])).toEqual([
      ['OPS-1', 2, 2, 5, 5, true],
      ['OPS-2', 2, 2, 8, 8, true],
      ['OPS-3', 2, 1, 5, 3, false],
      // Its only story left the sprint: not done, not in the final backlog.
      ['OPS-4', 0, 0, 0, 0, false],
    ]);
    expect(epics.epics[0].links).toMatchObject({ epicKey: 'OPS-1', issueKey: 'OPS-1' });
  });

  it('leaves story points out when no story has any (the JIRA field does not exist)', () => {
    const input = sprintSeven();
    for (const story of [...input.sprint.committed, ...input.sprint.scopeChanges.map((c) => c.story)]) story.storyPoints = null;
    const built = buildSprintReport(input, t('09T12:00'));
    expect(built.usesStoryPoints).toBe(false);
    expect(built.scope.committed).toEqual({ stories: 6, storyPoints: null });
    expect(built.scope.done).toEqual({ stories: 5, storyPoints: null });
    expect(built.epics.epics[0].storyPoints).toBeNull();
    expect(built.burndown.days.every((day) => day.idealPoints === null && day.remainingPoints === null)).toBe(true);
  });

  it('counts a story added twice and removed in between as two additions and one removal', () => {
    const input = sprintSeven();
    const image = input.sprint.scopeChanges.find((c) => c.story.issueKey === 'OPS-32')!.story;
    input.sprint.scopeChanges.push(
      { kind: 'removed', story: image, at: t('04T12:00') },
      { kind: 'added', story: image, at: t('04T13:00') },
    );
    const { scope } = buildSprintReport(input, t('09T12:00'));
    expect(scope.added).toEqual({ stories: 2, storyPoints: 4 });
    expect(scope.removed).toEqual({ stories: 2, storyPoints: 2 });
    expect(scope.final.stories).toBe(6);
  });
});

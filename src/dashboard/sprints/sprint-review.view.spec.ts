import { readChartSvg } from '../../reports/charts/chart-svg-reader.spec-helper.js';
import { DB_SYNC_ERROR, NODE1, sprintSeven, t, UPLOAD_ERROR } from '../../reports/fixtures/sprint-seven.fixture.js';
import { buildSprintReport, type SprintReport } from '../../reports/index.js';
import { type SprintReviewView, safeHref, sprintReviewView, trustedChartSvg } from './sprint-review.view.js';

const issueUrl = (key: string) => `https://jira.example.test/browse/${encodeURIComponent(key)}`;
const report = (now = t('20T08:00')): SprintReport => buildSprintReport(sprintSeven(), now);

describe('sprint review page data', () => {
  let view: SprintReviewView;
  beforeAll(async () => {
    view = await sprintReviewView(report(), { issueUrl });
  });

  it('shows committed vs done in stories and story points, and the epics', () => {
    expect(view.commitment.rows).toEqual([
      { label: 'Stories', committed: 6, added: 1, removed: 1, final: 6, done: 5, committedDone: 5, notDone: 1 },
      { label: 'Story points', committed: 16, added: 2, removed: 0, final: 18, done: 16, committedDone: 16, notDone: 2 },
    ]);
    expect(view.commitment.completion).toBe('83.3 %');
    expect(view.commitment.epics).toEqual({ committed: 4, committedDone: 2, total: 3, done: 2 });
    expect(view.usesStoryPoints).toBe(true);
  });

  it('gives the four DORA keys as people read them', () => {
    expect(Object.fromEntries(view.kpis.map((kpi) => [kpi.key, [kpi.value, kpi.detail]]))).toEqual({
      'deployment-frequency': ['0.4 / day', '2 successful in 5 days'],
      'lead-time': ['28 h 22 min', 'median of 1 (mean 28 h 22 min), JIRA transition → deployed'],
      'change-failure-rate': ['66.7 %', '2 of 3 finished deployments failed'],
      'time-to-restore': ['27 h 56 min', '1 restored, 1 still open'],
    });
  });

  it('lists each failure with its step, node, exit code and masked first error line, and how it recovered', () => {
    expect(view.failures).toEqual([
      expect.objectContaining({
        phaseKey: 'keystone',
        node: NODE1,
        exitCode: 1,
        firstErrorLine: DB_SYNC_ERROR,
        recovered: true,
        timeToRecover: '27 h 46 min',
      }),
      expect.objectContaining({ phaseKey: 'glance', stepKey: 'upload-image', exitCode: 2, firstErrorLine: UPLOAD_ERROR, recovered: false }),
    ]);
    expect(view.failures[0].firstErrorLine).toContain('********');
    expect(view.recovery).toMatchObject({ failures: 2, recovered: 1, unrecovered: 1, retriedSteps: 1, retries: 1 });
    expect(view.retries).toEqual([expect.objectContaining({ stepKey: view.failures[0].stepKey, attempts: 2, failedAttempts: 1 })]);
  });

  it('links every item to its JIRA issue, Confluence page version and deployment page', () => {
    expect(view.failures[0].links).toEqual([
      { kind: 'jira', text: 'OPS-21', href: 'https://jira.example.test/browse/OPS-21' },
      { kind: 'jira', text: 'OPS-2', href: 'https://jira.example.test/browse/OPS-2' },
      expect.objectContaining({
        kind: 'confluence',
        href: 'https://wiki.example.test/spaces/OPS/pages/keystone',
        text: expect.stringMatching(/^page v\d+$/),
      }),
      { kind: 'deployment', text: 'deployment dep-1', href: '/dashboard/deployments/dep-1' },
    ]);
    const story = view.stories.find((line) => line.issue.text === 'OPS-32')!;
    expect(story).toMatchObject({ scope: 'added', scopeAt: t('04T11:00'), status: 'blocked', epic: { text: 'OPS-3' } });
    expect(view.stories.find((line) => line.issue.text === 'OPS-41')).toMatchObject({ scope: 'removed', scopeAt: t('05T10:00') });
    expect(view.deployments.rows.map((row) => [row.id, row.status, row.href])).toEqual([
      ['dep-1', 'succeeded', '/dashboard/deployments/dep-1'],
      ['dep-3', 'succeeded', '/dashboard/deployments/dep-3'],
      ['dep-4', 'failed', '/dashboard/deployments/dep-4'],
    ]);
    expect(view.deployments.dryRunsExcluded).toBe(1);
    expect(JSON.stringify(view)).not.toContain('dep-2');
  });

  it('shows keys without a link when JIRA is not configured', async () => {
    const plain = await sprintReviewView(report(), { issueUrl: () => undefined });
    expect(plain.stories[0].issue).toEqual({ kind: 'jira', text: 'OPS-11', href: undefined });
  });

  it('turns the retrospective prompts into text with their links, each once', () => {
    expect(view.retrospective.map((prompt) => prompt.kind)).toEqual([
      'failing-step',
      'failing-step',
      'open-incident',
      'scope-added',
      'slowest-step',
    ]);
    for (const prompt of view.retrospective) {
      const keys = prompt.links.map((link) => `${link.kind}:${link.text}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(view.slowestSteps[0]).toMatchObject({ runs: expect.any(Number), max: expect.stringMatching(/min|s|h/) });
  });

  it('draws the burndown (stories and points) and the latest deployment’s phase timeline, scaling with their box', () => {
    const burndown = readChartSvg(view.charts.burndown);
    expect([...burndown.legend.values()]).toEqual(['Remaining', 'Ideal', 'Scope']);
    expect(burndown.marks.filter((mark) => mark.series === 0)).toHaveLength(6);
    expect(view.charts.burndownPoints).toContain('story points');
    expect(view.charts.burndown).toMatch(/^<svg width="100%" xmlns=[^>]*viewBox="0 0 640 360" preserveAspectRatio="xMidYMid meet">/);
    expect(view.timeline).toMatchObject({ deploymentId: 'dep-4', status: 'failed', href: '/dashboard/deployments/dep-4' });
    const timeline = readChartSvg(view.charts.timeline);
    expect(timeline.marks.some((mark) => mark.rect !== null && mark.rect.width > 0)).toBe(true);
    expect(view.timelines.map((line) => [line.deploymentId, line.selected])).toEqual([
      ['dep-1', false],
      ['dep-3', false],
      ['dep-4', true],
    ]);
  });

  it('draws another deployment’s timeline on request, and refuses one that is not in the sprint', async () => {
    const first = await sprintReviewView(report(), { issueUrl, deploymentId: 'dep-1' });
    expect(first.timeline?.deploymentId).toBe('dep-1');
    expect(first.charts.timeline).toContain('deployment dep-1');
    await expect(sprintReviewView(report(), { issueUrl, deploymentId: 'dep-2' })).rejects.toThrow('dep-2 has no phase timeline');
  });

  it('leaves a sprint without points or deployments readable', async () => {
    const input = sprintSeven();
    input.deployments = [];
    input.storyStatuses = [];
    for (const story of input.sprint.committed) story.storyPoints = null;
    for (const change of input.sprint.scopeChanges) change.story.storyPoints = null;
    const empty = await sprintReviewView(buildSprintReport(input, t('20T08:00')), { issueUrl });
    expect(empty.commitment.rows).toHaveLength(1);
    expect(empty.charts.burndownPoints).toBeNull();
    expect(empty.timeline).toBeNull();
    expect(empty.kpis.map((kpi) => kpi.value)).toEqual(['0 / day', '—', '—', '—']);
  });
});

describe('chart SVG on the page', () => {
  it('keeps text people typed escaped inside the SVG (ECharts escapes text; none goes into attributes)', async () => {
    const input = sprintSeven();
    input.sprint.name = `S7 </text><script>alert(1)</script><img src=x onerror=alert(2)> "q" 'a'`;
    input.deployments[3].phaseRuns[0].phaseKey = `glance"><svg onload=alert(3)>`;
    for (const attempt of input.deployments[3].stepAttempts) attempt.phaseKey = input.deployments[3].phaseRuns[0].phaseKey;
    const hostile = await sprintReviewView(buildSprintReport(input, t('20T08:00')), { issueUrl });
    for (const svg of [hostile.charts.burndown, hostile.charts.timeline]) {
      expect(svg).not.toMatch(/<script|<img|<svg onload/);
      expect(() => readChartSvg(svg)).not.toThrow();
    }
    expect(hostile.charts.burndown).toContain('S7 &lt;/text&gt;&lt;script&gt;');
    expect(hostile.charts.timeline).toContain('glance&quot;&gt;&lt;svg onload=alert(3)&gt;');
  });

  it('refuses an SVG with active content or without a viewBox', () => {
    expect(() => trustedChartSvg('<svg width="1" height="1" viewBox="0 0 1 1"><script>x</script></svg>')).toThrow('active content');
    expect(() => trustedChartSvg('<svg width="1" height="1" viewBox="0 0 1 1"><rect onclick="x"/></svg>')).toThrow('active content');
    expect(() => trustedChartSvg('<svg width="1" height="1"></svg>')).toThrow('viewBox');
  });

  it('links only to web addresses', () => {
    expect(safeHref('https://wiki.example.test/x?a=1')).toBe('https://wiki.example.test/x?a=1');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
    expect(safeHref(null)).toBeUndefined();
  });
});

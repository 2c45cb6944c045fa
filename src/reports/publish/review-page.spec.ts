import { sprintSeven, t } from '../fixtures/sprint-seven.fixture.js';
import { buildSprintReport } from '../review/sprint-report.js';
import { buildReviewPage } from './review-page.js';

const charts = { burndown: true, timeline: true };
/** The page's text with tags dropped, one space between cells: what a reader sees. */
const text = (xml: string) =>
  xml
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

describe('Confluence review page', () => {
  it('counts in story points when the stories carry them, and says so', () => {
    const page = buildReviewPage(buildSprintReport(sprintSeven(), t('09T12:00')), { charts });
    const seen = text(page);
    expect(seen).toContain("Counted in story points (JIRA's story points field)");
    // Committed 6 (16 pts), added 1 (2), removed 1 (0), final 6 (18), done 5 (16), committed and done 5 (16); 16 of 18 points.
    expect(seen).toContain('6 (16 pts) 1 (2 pts) 1 (0 pts) 6 (18 pts) 5 (16 pts) 5 (16 pts) 88.9 %');
    expect(seen).toContain('Remaining points Ideal points Remaining stories Scope (stories)');
    // Day 1 of the burndown: 11 points and 4 stories left, the ideal at 12.8 points.
    expect(seen).toMatch(/ 1 2026-03-03 09:00:00 UTC 11 12.8 4 6 /);
    expect(page).toContain('ac:alt="Burndown: remaining story points per day with the ideal line"');
  });

  it('falls back to story counts without points, and says so', () => {
    const input = sprintSeven();
    for (const story of [...input.sprint.committed, ...input.sprint.scopeChanges.map((c) => c.story)]) story.storyPoints = null;
    const page = buildReviewPage(buildSprintReport(input, t('09T12:00')), { charts });
    const seen = text(page);
    expect(seen).toContain('Counted in stories: no story of this sprint has story points in JIRA.');
    expect(seen).toContain('Committed Added Removed Final Done Committed and done Completion 6 1 1 6 5 5 83.3 %');
    expect(seen).not.toMatch(/ pts\)/);
    expect(page).toContain('ac:alt="Burndown: remaining stories per day with the ideal line"');
  });

  it('links deployments to their dashboard page when PUBLIC_URL gives one, else shows the whole id without a link', () => {
    const report = buildSprintReport(sprintSeven(), t('09T12:00'));
    const linked = buildReviewPage(report, {
      charts,
      deploymentUrl: (id) => `https://opsprint.example.com/dashboard/deployments/${id}`,
    });
    expect(linked).toContain('<a href="https://opsprint.example.com/dashboard/deployments/dep-1">dep-1</a>');
    expect(linked).toContain('<a href="https://opsprint.example.com/dashboard/deployments/dep-4">dep-4</a>');
    const plain = buildReviewPage(report, { charts, deploymentUrl: () => undefined });
    expect(plain).not.toContain('/dashboard/deployments/');
    expect(plain).toContain('<code>dep-1</code>');
  });
});

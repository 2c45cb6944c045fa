/**
 * The Confluence review page as people see it: the review of the sprint-seven data set (a failure
 * fixed by a retry, scope added and removed mid-sprint, story points, a dry run that counts
 * nowhere) published through the real confluence-api client to the Confluence sandbox, with its
 * chart attachments, then opened in Debian's Chromium (playwright-core) at 1280 px. The screenshot
 * goes to test/artifacts/screenshots; with UPDATE_DOCS_SCREENSHOTS=1 also to the README's
 * docs/sprint-review-confluence.png.
 */
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { DEFAULT_USERS } from '../../lab/atlassian/http.js';
import { startAtlassianSandbox, type AtlassianSandbox } from '../../lab/atlassian/server.js';
import { ConfluenceGateway } from '../../src/integrations/confluence/confluence.gateway.js';
import { sprintSeven, t } from '../../src/reports/fixtures/sprint-seven.fixture.js';
import { chartsOf, reviewAttachments } from '../../src/reports/publish/review-attachments.js';
import { buildReviewPage, reviewPageTitle } from '../../src/reports/publish/review-page.js';
import { buildSprintReport } from '../../src/reports/review/sprint-report.js';
import { launchChromium, screenshotPath } from '../support/browser.js';

jest.setTimeout(120_000);

const DOCS_PNG = fileURLToPath(new URL('../../docs/sprint-review-confluence.png', import.meta.url));
const user = DEFAULT_USERS[0];
let sandbox: AtlassianSandbox;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startAtlassianSandbox();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});

it('shows the published review page with its numbers and both charts rendered', async () => {
  const gateway = new ConfluenceGateway({
    baseUrl: sandbox.confluenceBaseUrl,
    username: user.email,
    password: user.apiToken,
    spaceKey: 'OPS',
  });
  const report = buildSprintReport(sprintSeven(), t('09T12:00'));
  const attachments = await reviewAttachments(report);
  const body = buildReviewPage(report, {
    jiraBaseUrl: sandbox.jiraBaseUrl,
    deploymentUrl: (id) => `https://opsprint.example.com/dashboard/deployments/${id}`,
    charts: chartsOf(attachments),
  });
  const page = await gateway.createPage('OPS', reviewPageTitle(report.sprint.name), body);
  for (const chart of attachments) await gateway.putAttachment(page.id, chart.filename, chart.png);

  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const answer = await tab.goto(`${sandbox.baseUrl}/wiki/view/${page.id}`);
    expect(answer?.status()).toBe(200);
    await expect(tab.locator('h1').textContent()).resolves.toBe('Sprint 7 review');
    // Both charts load from their attachments and are drawn (not broken images).
    const images = tab.locator('img');
    await expect(images.count()).resolves.toBe(2);
    await tab.waitForFunction('[...document.images].every((image) => image.complete && image.naturalWidth > 0)');
    const drawn = await images.evaluateAll((all) =>
      (all as unknown as { alt: string; naturalWidth: number }[]).map((image) => [image.alt, image.naturalWidth]),
    );
    expect(drawn).toEqual([
      ['Burndown: remaining story points per day with the ideal line', 1600],
      ['Phase timeline of the latest deployment', expect.any(Number)],
    ]);
    // Scaled into the page column, not overflowing it.
    const widths = await images.evaluateAll((all) => all.map((image) => image.getBoundingClientRect().width));
    for (const width of widths) expect(width).toBeLessThanOrEqual(1100);

    const text = (await tab.locator('body').allInnerTexts()).join(' ').replace(/\s+/g, ' ');
    expect(text).toContain("Counted in story points (JIRA's story points field)");
    expect(text).toContain('6 (16 pts) 1 (2 pts) 1 (0 pts) 6 (18 pts) 5 (16 pts) 5 (16 pts) 88.9 %');
    expect(text).toContain('Change failure rate 66.7 % (2 of 3)');
    expect(text).toContain('1 check-mode run(s) not counted.');
    await expect(tab.locator('a[href="https://opsprint.example.com/dashboard/deployments/dep-1"]').first().textContent()).resolves.toBe(
      'dep-1',
    );

    const file = screenshotPath('confluence-review-page');
    await tab.screenshot({ path: file, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') copyFileSync(file, DOCS_PNG);
  } finally {
    await tab.close();
  }
});

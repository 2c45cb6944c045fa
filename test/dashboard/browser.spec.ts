/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): sign in, open the
 * sprint review, see the burndown and the phase timeline drawn with their data, follow a link to a
 * running deployment and watch its progress update live while its steps run. Screenshots at
 * 1280 px and at a phone's width go to test/artifacts/screenshots.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ApiTokensService } from '../../src/auth/api-tokens.service.js';
import { DeploymentLogHub } from '../../src/deployments/deployment-log-hub.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { readChartSvg } from '../../src/reports/charts/chart-svg-reader.spec-helper.js';
import { SprintReviewService } from '../../src/reports/sprint-review.service.js';
import { SprintsService } from '../../src/reports/sprints.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { commandRunbook, createLocalEnvironment, finished } from '../engine/support/engine-fixtures.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'opsprint-browser-'));
const fixed = path.join(scratch, 'fixed');
const steps = commandRunbook('steps', [
  { key: 'prepare', steps: ['echo preparing', 'echo prepared'] },
  {
    key: 'install',
    dependsOn: ['prepare'],
    // Fails (exit 3, an error line) until the test "fixes" it: the sprint's first run fails there and its retry succeeds.
    steps: ['echo installing', `test -e ${fixed} || { echo 'install: repository unreachable' >&2; exit 3; }`, 'echo verified'],
  },
]);
const STEP_COUNT = 5;
const sessions = new LocalSessionFactory();
let t: TestApp;
let url: string;
let browser: Browser;
let token: string;
let sprintId: string;

/** While `gated`, steps wait here until the test lets them go, one at a time. */
const gate = { on: false, waiting: [] as (() => void)[], arrived: [] as (() => void)[] };
function nextStepArrives(): Promise<void> {
  return new Promise((resolve) => gate.arrived.push(resolve));
}
function releaseOne(): void {
  gate.waiting.shift()?.();
}

beforeAll(async () => {
  t = await startTestApp({ sessionFactory: sessions, catalog: RunbookCatalog.of([steps]) });
  await t.app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  await createLocalEnvironment(t, 'lab');
  token = (await t.app.get(ApiTokensService).create({ name: 'browser', role: 'viewer' }, 'test')).token;
  sessions.beforeRun = () =>
    gate.on
      ? new Promise<void>((resolve) => {
          gate.waiting.push(resolve);
          gate.arrived.shift()?.();
        })
      : Promise.resolve();

  // A sprint with a deployment that failed at a step and succeeded when retried.
  const sprint = await t.app.get(SprintsService).create({
    name: 'Sprint 12',
    goal: 'Prepare and install the lab',
    endAt: new Date(Date.now() + 5 * 24 * 3600 * 1000),
    environment: 'lab',
    runbook: 'steps',
    actor: 'browser-test',
  });
  sprintId = sprint.id;
  const deployments = t.app.get(DeploymentsService);
  const first = await deployments.create({ environment: 'lab', runbook: 'steps', trigger: 'api', requester: 'browser-test' });
  expect((await finished(t.db.prisma, first.id)).status).toBe('failed');
  writeFileSync(fixed, '');
  await deployments.retry(first.id, 'browser-test');
  expect((await finished(t.db.prisma, first.id)).status).toBe('succeeded');
  await eventually(
    async () => ((await t.app.get(SprintReviewService).report(sprintId)).scope.done.stories === 2 ? true : undefined),
    30_000,
  );

  browser = await launchChromium();
});
afterAll(async () => {
  gate.on = false;
  sessions.beforeRun = undefined;
  for (const release of gate.waiting.splice(0)) release();
  await browser?.close();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Pixels the page is wider than the window (a phone user would have to scroll sideways). */
const horizontalOverflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

async function signIn(page: Page): Promise<void> {
  await page.goto(`${url}/dashboard`);
  await page.waitForURL(/\/dashboard\/sign-in/);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/dashboard`);
}

/** A chart as the browser holds it, read back into series, bars and labels. */
const chartIn = async (page: Page, section: string) => readChartSvg(await page.$eval(`#${section} figure svg`, (svg) => svg.outerHTML));

describe('the dashboard in a browser', () => {
  it('opens the sprint review, sees the burndown and the timeline, follows a running deployment and watches it update live', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    await page.click('nav a[href="/dashboard/sprints"]');
    await page.click(`a[href="/dashboard/sprints/${sprintId}"]`);
    await page.waitForSelector('h1:has-text("Sprint 12 review")');

    const burndown = await chartIn(page, 'burndown');
    expect([...burndown.legend.values()]).toEqual(['Remaining', 'Ideal', 'Scope']);
    expect(burndown.marks.filter((mark) => mark.series === 0).length).toBeGreaterThanOrEqual(1);
    const timeline = await chartIn(page, 'timeline');
    expect(timeline.texts.map((text) => text.text)).toEqual(expect.arrayContaining(['prepare', 'install']));
    expect(timeline.marks.filter((mark) => mark.rect && mark.rect.width > 0)).toHaveLength(2);
    // The chart scales with its box: drawn 800 wide, shown as wide as the card.
    const box = await page.$eval('#timeline figure svg', (svg) => svg.getBoundingClientRect().width);
    expect(box).toBeGreaterThan(800);
    expect(await page.textContent('#failures')).toContain('install: repository unreachable');
    await page.screenshot({ path: screenshotPath('sprint-review-1280'), fullPage: true });

    // A new deployment starts in the sprint; the review lists it and links to its live page.
    gate.on = true;
    const arrived = nextStepArrives();
    const live = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: 'steps', trigger: 'api', requester: 'browser-test' });
    await arrived; // the first step is running (held at the gate)
    await page.reload();
    await page.click(`#deployments a[href="/dashboard/deployments/${live.id}"]`);
    await page.waitForURL(`${url}/dashboard/deployments/${live.id}`);
    await page.waitForSelector(`text=0 of ${STEP_COUNT} steps done`);

    // Each released step must show up on the page without a reload.
    for (let done = 1; done <= STEP_COUNT; done++) {
      const next = done < STEP_COUNT ? nextStepArrives() : Promise.resolve();
      releaseOne();
      await next;
      await page.waitForSelector(`text=${done} of ${STEP_COUNT} steps done`);
      if (done === 3) await page.screenshot({ path: screenshotPath('deployment-live-1280'), fullPage: true });
      if (done === 2) {
        // The stream is cut (the service restarting behind a load balancer does this): the browser
        // reconnects by itself, and the replayed lines of the steps already shown are not shown twice.
        t.app.get(DeploymentLogHub).beforeApplicationShutdown();
        await page.waitForSelector('#log-state:has-text("reconnecting")');
        await page.waitForSelector('#log-state:has-text("live")');
      }
    }
    await page.waitForSelector('#log-state:has-text("finished: succeeded")');
    // The heading, rendered while the deployment ran, says how it ended without a reload.
    await page.waitForSelector('h1 #deployment-status:has-text("succeeded")');
    expect(await page.isHidden('#deployment-error')).toBe(true);
    const log = (await page.textContent('#log'))!.split('\n').filter(Boolean);
    expect(log).toContain('[linux-node1.example.com] verified');
    const statusLines = log.filter((line) => /^\[linux-node1\.example\.com\] [✓✗] /.test(line));
    expect(statusLines).toHaveLength(STEP_COUNT);
    expect(new Set(statusLines).size).toBe(STEP_COUNT);
    expect((await finished(t.db.prisma, live.id)).status).toBe('succeeded');
    await page.screenshot({ path: screenshotPath('deployment-finished-1280'), fullPage: true });
    gate.on = false;
    await page.close();
  });

  it('is readable on a phone: no sideways scrolling of the page, wide tables scroll in their own box, charts fit', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(page);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('overview-phone'), fullPage: true });
    await page.click('a[href="/dashboard/environments/lab"]');
    await page.waitForSelector('h1:has-text("Environment lab")');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('environment-phone'), fullPage: true });

    await page.goto(`${url}/dashboard/sprints/${sprintId}`);
    await page.waitForSelector('h1:has-text("Sprint 12 review")');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    for (const section of ['burndown', 'timeline']) {
      const [chart, card] = await page.$eval(`#${section}`, (element) => [
        element.querySelector('figure svg')!.getBoundingClientRect().width,
        element.getBoundingClientRect().width,
      ]);
      expect(chart).toBeGreaterThan(0);
      expect(chart).toBeLessThanOrEqual(card);
    }
    // The failures table keeps its columns and scrolls sideways inside its box.
    const [scrollWidth, clientWidth] = await page.$eval('#failures .scroll', (box) => [box.scrollWidth, box.clientWidth]);
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await page.screenshot({ path: screenshotPath('sprint-review-phone'), fullPage: true });
    await page.locator('#burndown').screenshot({ path: screenshotPath('sprint-review-phone-burndown') });
    await page.close();
  });
});

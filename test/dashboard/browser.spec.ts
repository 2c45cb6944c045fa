/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): sign in, follow a
 * link to a deployment, and watch its progress update live while its steps run. Screenshots at
 * 1280 px and at a phone's width go to test/artifacts/screenshots.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { ApiTokensService } from '../../src/auth/api-tokens.service.js';
import { DeploymentsService } from '../../src/deployments/deployments.service.js';
import { EnvironmentsService } from '../../src/environments/environments.service.js';
import { RunbookCatalog } from '../../src/runbooks/catalog.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { launchChromium, screenshotPath } from '../support/browser.js';
import { LocalSessionFactory } from '../support/local-sessions.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { commandRunbook, finished } from '../engine/support/engine-fixtures.js';

const steps = commandRunbook('steps', [
  { key: 'prepare', steps: ['echo preparing', 'echo prepared'] },
  { key: 'install', dependsOn: ['prepare'], steps: ['echo installing', 'echo configured', 'echo verified'] },
]);
const sessions = new LocalSessionFactory();
let t: TestApp;
let url: string;
let browser: Browser;
let token: string;

/** Steps wait here until the test lets them go, one at a time. */
const gate = { waiting: [] as (() => void)[], arrived: [] as (() => void)[] };
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
  const inventory = exampleInventory({ environment: 'lab' });
  await t.app.get(EnvironmentsService).create({
    name: 'lab',
    network: inventory.network,
    nodes: inventory.nodes,
    secrets: { SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nunused\n-----END OPENSSH PRIVATE KEY-----' },
  });
  token = (await t.app.get(ApiTokensService).create({ name: 'browser', role: 'viewer' }, 'test')).token;
  sessions.beforeRun = () =>
    new Promise<void>((resolve) => {
      gate.waiting.push(resolve);
      gate.arrived.shift()?.();
    });
  browser = await launchChromium();
});
afterAll(async () => {
  sessions.beforeRun = undefined;
  for (const release of gate.waiting.splice(0)) release();
  await browser?.close();
  await t?.close();
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

describe('the dashboard in a browser', () => {
  it('signs in, follows a deployment from the overview and watches its progress update live', async () => {
    const arrived = nextStepArrives();
    const created = await t.app
      .get(DeploymentsService)
      .create({ environment: 'lab', runbook: 'steps', trigger: 'api', requester: 'browser-test' });
    await arrived; // the first step is running (held at the gate)

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    await page.click(`a[href="/dashboard/deployments/${created.id}"]`);
    await page.waitForURL(`${url}/dashboard/deployments/${created.id}`);
    await page.waitForSelector('text=0 of 5 steps done');

    // Each released step must show up on the page without a reload.
    for (let done = 1; done <= 5; done++) {
      const next = done < 5 ? nextStepArrives() : Promise.resolve();
      releaseOne();
      await next;
      await page.waitForSelector(`text=${done} of 5 steps done`);
      if (done === 3) await page.screenshot({ path: screenshotPath('deployment-live-1280'), fullPage: true });
    }
    await page.waitForSelector('#log-state:has-text("finished: succeeded")');
    expect(await page.textContent('#log')).toContain('verified');
    expect((await finished(t.db.prisma, created.id)).status).toBe('succeeded');
    await page.screenshot({ path: screenshotPath('deployment-finished-1280'), fullPage: true });
    await page.close();
  });

  it('is readable on a phone: no horizontal scrolling, tables stacked', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(page);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('overview-phone'), fullPage: true });
    await page.click('a[href="/dashboard/environments/lab"]');
    await page.waitForSelector('h1:has-text("Environment lab")');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('environment-phone'), fullPage: true });
    await page.close();
  });
});

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../scripts/build/build.mjs';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { ROOT, runCli } from '../cli/run-cli.js';
import { dropSchema, TEST_DATABASE_BASE_URL, withSchema } from '../support/database.js';
import { deleteRedisPrefix, TEST_REDIS_URL } from '../support/test-app.js';

/** What `npm run demo -- --keep-running` prints at the end must open, with the token it prints. */
describe('npm run demo -- --phases base --keep-running', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-demo-'));
  const prefix = `demo-${randomBytes(4).toString('hex')}`;
  const databaseUrl = withSchema(TEST_DATABASE_BASE_URL, `demo_${randomBytes(4).toString('hex')}`);

  beforeAll(async () => {
    await ensureBuilt();
  });
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
    await dropSchema(databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('points at routes that answer and prints the admin token it says it prints', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      OPSPRINT_DATA_DIR: dataDir,
    };
    delete env.OPSPRINT_ADMIN_TOKEN;
    delete env.JIRA_BASE_URL;
    delete env.CONFLUENCE_BASE_URL;
    // What `npm run demo -- …` runs, started directly so that its own exit code is seen after Ctrl-C.
    const demo = spawn(process.execPath, ['scripts/build/run.mjs', 'dist/scripts/demo.js', '--phases', 'base', '--keep-running'], {
      cwd: ROOT,
      env,
      detached: true,
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        demo.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/^ {3}sandbox REST .*$/m.test(output)) resolve();
        });
        demo.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        void exited.then((code) => reject(new Error(`the demo exited (${code}) before its footer:\n${output}`)));
      });
      const line = (label: string) => output.match(new RegExp(`^ {3}${label}\\s+(\\S+)`, 'm'))?.[1];
      const token = line('admin token')!;
      expect(token).toMatch(/^demo-[0-9a-f]{36}$/);

      const deployments = await fetch(line('deployments')!, { headers: { authorization: `Bearer ${token}` } });
      expect(deployments.status).toBe(200);
      expect(((await deployments.json()) as unknown[])[0]).toMatchObject({ status: 'succeeded', phases: ['base'] });
      for (const label of ['API docs', 'health', 'JIRA issues', 'Confluence']) {
        const response = await fetch(line(label)!);
        expect({ label, status: response.status }).toEqual({ label, status: 200 });
      }
      // The deployment ran inside its own sprint: the demo closed it and its review page opens.
      const review = line('review');
      if (!review) throw new Error(`the demo printed no review link:\n${output}`);
      expect(await (await fetch(review)).text()).toContain('review');
      expect(line('sprint')).toMatch(/\/dashboard\/sprints\/[0-9a-f-]{36}$/);
      // The links of the summary open without a login too.
      const runbookPage = output.match(/^Confluence runbook: (\S+)$/m)![1];
      expect(await (await fetch(runbookPage)).text()).toContain('lab — OpenStack runbook');
      const epic = output.match(/^JIRA epics: (\S+)/m)![1];
      expect(await (await fetch(epic)).text()).toMatch(/<h1>OPS-\d+ /);

      // The dashboard: its link asks for a sign-in, the printed token signs in, and the summary's deployment page opens.
      expect((await fetch(line('dashboard')!, { redirect: 'manual' })).headers.get('location')).toMatch(/^\/dashboard\/sign-in/);
      const form = await fetch(`${line('dashboard')!}/sign-in`);
      const formCookie = form.headers.get('set-cookie')!.split(';')[0];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
      const signedIn = await fetch(`${line('dashboard')!}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, _csrf: csrf, next: '/dashboard' }).toString(),
      });
      const session = signedIn.headers
        .getSetCookie()
        .find((cookie) => cookie.startsWith('opsprint_session='))!
        .split(';')[0];
      const deploymentPage = output.match(/^Dashboard: (\S+)/m)![1];
      const dashboard = await fetch(deploymentPage, { headers: { cookie: session } });
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toMatch(/<tr data-phase="base" data-status="succeeded">/);

      // The CLI line works as printed.
      const cli = output.match(/^ {3}CLI\s+npx opsprint login --url (\S+) --token (\S+) &&/m)!;
      const login = await runCli(['login', '--url', cli[1], '--token', cli[2]], { OPSPRINT_CONFIG: path.join(dataDir, 'cli.json') });
      expect(login.code).toBe(0);
    } finally {
      process.kill(-demo.pid!, 'SIGINT');
    }
    expect(await exited).toBe(0);
  }, 300_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareRuntime, StartupError } from '../../src/app/bootstrap.js';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { ensureBuilt } from '../../scripts/build/build.mjs';
import { TEST_DATABASE_BASE_URL } from '../support/database.js';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-startup-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startupError(env: NodeJS.ProcessEnv): Promise<StartupError> {
  const error = await prepareRuntime({ serveHttp: true, env: { OPSPRINT_DATA_DIR: dataDir, ...env } }).then(
    async (prepared) => {
      await prepared.stop();
      throw new Error('start-up should have failed');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupError);
  return error as StartupError;
}

describe('start-up refuses bad settings with one clear line', () => {
  it('a DATABASE_URL that is not a PostgreSQL URL', async () => {
    const error = await startupError({ DATABASE_URL: 'mysql://root@localhost/db', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(error.message).toBe('DATABASE_URL: DATABASE_URL must be a postgresql:// URL');
  });

  it('a DATABASE_URL where nothing answers, with the password hidden', async () => {
    const port = await freePort();
    const error = await startupError({
      DATABASE_URL: `postgresql://app:hunter22@127.0.0.1:${port}/opsprint`,
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toMatch(
      new RegExp(
        `^DATABASE_URL: cannot prepare the database at postgresql://app:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/opsprint: .*ECONNREFUSED`,
      ),
    );
    expect(error.message).not.toContain('hunter22');
  });

  it('several bad values: one line each', async () => {
    const error = await startupError({ PORT: 'http', WORKER_CONCURRENCY: '0' });
    expect(error.message.split('\n')).toEqual([
      'PORT: PORT must be an integer',
      'WORKER_CONCURRENCY: WORKER_CONCURRENCY must not be less than 1',
    ]);
  });

  it('every bad integration setting, each named on its own line', async () => {
    const error = await startupError({
      JIRA_BASE_URL: 'not a url',
      JIRA_POLL_INTERVAL_SECONDS: 'often',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(error.message.split('\n').map((line) => line.split(':')[0])).toEqual([
      'JIRA_BASE_URL',
      'JIRA_EMAIL',
      'JIRA_PROJECT_KEY',
      'JIRA_POLL_INTERVAL_SECONDS',
    ]);
  });
});

describe('a REDIS_URL where nothing answers', () => {
  it('stops start-up with one line naming REDIS_URL, the password hidden', async () => {
    const port = await freePort();
    const error = await startupError({ DATABASE_URL: TEST_DATABASE_BASE_URL, REDIS_URL: `redis://:hunter22@127.0.0.1:${port}` });
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message).toMatch(
      new RegExp(`^REDIS_URL: cannot reach Redis at redis://:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    expect(error.message).not.toContain('hunter22');
  });

  it('makes the built service exit with that one line instead of retrying forever', async () => {
    await ensureBuilt();
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/src/main.js', '--port', '0'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: TEST_DATABASE_BASE_URL,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        OPSPRINT_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect({ code, stdout, lines: stderr.trimEnd().split('\n') }).toEqual({
      code: 1,
      stdout: '',
      lines: [
        expect.stringMatching(
          new RegExp(`^opsprint: cannot start: REDIS_URL: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
        ),
      ],
    });
  }, 60_000);
});

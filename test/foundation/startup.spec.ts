import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareRuntime, StartupError } from '../../src/app/bootstrap.js';
import { freePort } from '../../src/infra/local-services/local-services.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-startup-'));

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

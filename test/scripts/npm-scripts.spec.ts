import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../scripts/build/build.mjs';
import { freePort } from '../../src/infra/local-services/local-services.js';
import { dropSchema, TEST_DATABASE_BASE_URL, withSchema } from '../support/database.js';
import { deleteRedisPrefix, TEST_REDIS_URL } from '../support/test-app.js';
import { ROOT } from '../cli/run-cli.js';

interface NpmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- <args>` as a user types it; -s keeps npm's own banner out of the output. */
function npmRun(script: string, args: string[], env: Record<string, string> = {}): Promise<NpmResult> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '-s', script, '--', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const SCRIPTS = ['start', 'worker', 'demo', 'bench', 'db:migrate'];
const BAD_VALUES: [string, string[], string][] = [
  ['start', ['--port', 'abc'], "start: option '--port <port>' argument 'abc' is invalid. expected a whole number from 0 to 65535"],
  ['demo', ['--computes', '0'], "demo: option '--computes <n>' argument '0' is invalid. expected a whole number from 1 to 50"],
  ['demo', ['--phases', 'base,'], "demo: option '--phases <keys>' argument 'base,' is invalid. expected a comma-separated list, e.g. a,b"],
  [
    'bench',
    ['--hosts', '10,many'],
    "bench: option '--hosts <counts>' argument '10,many' is invalid. expected a whole number from 1 to 200",
  ],
  ['db:migrate', ['--database-url'], "db:migrate: option '--database-url <url>' argument missing"],
];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-scripts-'));

/**
 * The answers to --help and to bad arguments, asked three at a time once dist/ is built: each is
 * an npm and a Node start, and one after the other the fifteen took ~10 s.
 */
const answers = new Map<string, Promise<NpmResult>>();
const answerTo = (script: string, args: string[]) => answers.get(JSON.stringify([script, args]))!;

beforeAll(async () => {
  await ensureBuilt();
  const cases: [string, string[]][] = [
    ...SCRIPTS.map((script): [string, string[]] => [script, ['--help']]),
    ...SCRIPTS.map((script): [string, string[]] => [script, ['--no-such-flag']]),
    ...BAD_VALUES.map(([script, args]): [string, string[]] => [script, args]),
  ];
  const lanes: Promise<unknown>[] = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
  cases.forEach(([script, args], i) => {
    const answer = lanes[i % lanes.length].then(() => npmRun(script, args));
    lanes[i % lanes.length] = answer;
    answers.set(JSON.stringify([script, args]), answer);
  });
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('every npm script answers --help and refuses bad arguments in one line', () => {
  it.each(SCRIPTS)('npm run %s -- --help prints its usage and exits 0 without starting anything', async (script) => {
    const result = await answerTo(script, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: npm (run )?${script} -- \\[options\\]\\n`));
    expect(result.stdout).toMatch(/-h, --help\s+show this help/);
    expect(result.stderr).toBe('');
  });

  it.each(SCRIPTS)('npm run %s -- --no-such-flag: usage, one line naming the flag, exit 2', async (script) => {
    const result = await answerTo(script, ['--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^Usage: npm (run )?${script} -- \\[options\\]$`)),
      `${script}: unknown option '--no-such-flag'`,
      `Run \`npm ${script === 'start' ? '' : 'run '}${script} -- --help\` for the options.`,
      '',
    ]);
  });

  it.each(BAD_VALUES)('npm run %s -- %j: the bad value named, exit 2, no stack trace', async (script, args, line) => {
    const result = await answerTo(script, args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[1]).toBe(line);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run db:migrate', () => {
  it('applies what the database lacks, says what it applied, and then that nothing is left', async () => {
    const url = withSchema(TEST_DATABASE_BASE_URL, `migrate_${randomBytes(4).toString('hex')}`);
    try {
      const first = await npmRun('db:migrate', ['--database-url', url]);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^applied {3}20261127000000_init$/m);
      expect(first.stdout).toMatch(/^\d+ migration\(s\) applied; the database now has all \d+\.$/m);
      const second = await npmRun('db:migrate', ['--database-url', url]);
      expect(second.code).toBe(0);
      expect(second.stdout).not.toMatch(/^applied/m);
      expect(second.stdout).toMatch(/^Nothing to apply: the database already has all \d+ migration\(s\), the latest \S+\.$/m);
    } finally {
      await dropSchema(url);
    }
  });
});

describe('npm start', () => {
  it('prints the address it bound and, with no token anywhere, how to create the first one', async () => {
    const port = await freePort();
    const prefix = `start-${randomBytes(4).toString('hex')}`;
    const schema = `start_${randomBytes(4).toString('hex')}`;
    const child = spawn('npm', ['start', '--', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: ROOT,
      detached: true,
      env: {
        ...process.env,
        OPSPRINT_ADMIN_TOKEN: '',
        DATABASE_URL: withSchema(TEST_DATABASE_BASE_URL, schema),
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        OPSPRINT_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/\(or POST \/api\/v1\/tokens\)/.test(output)) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        child.on('exit', (code) => reject(new Error(`npm start exited (${code}) early:\n${output}`)));
      });
      expect(output).toMatch(
        new RegExp(
          `^OpSprint listening on http://127\\.0\\.0\\.1:${port} \\(PostgreSQL: configured, Redis: configured, workers: in this process\\)$`,
          'm',
        ),
      );
      expect(output).toContain('No API token exists yet, so every /api/v1 call is refused.');
      expect(output).toContain('OPSPRINT_ADMIN_TOKEN=$(openssl rand -hex 24) npm start');
      // The printed address is the one that answers.
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      await deleteRedisPrefix(prefix);
      await dropSchema(withSchema(TEST_DATABASE_BASE_URL, schema));
    }
  }, 120_000);
});

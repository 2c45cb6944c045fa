import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runbook } from '../../../src/runbooks/model.js';
import { eventually, TEST_REDIS_URL, type TestApp } from '../../support/test-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUILT_WORKER = path.join(ROOT, 'dist/src/worker.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when any source is newer than the built worker (about 15 s). */
export function ensureWorkerBuilt(): void {
  let built = 0;
  try {
    built = statSync(BUILT_WORKER).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newestSource(path.join(ROOT, 'src'))) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    // Type errors elsewhere still emit JavaScript; only a missing worker is fatal.
    if (statSync(BUILT_WORKER, { throwIfNoEntry: false }) === undefined) throw error;
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/** Separate worker processes sharing one test app's PostgreSQL schema, Redis prefix and secret key. */
export class WorkerProcesses {
  private readonly running: WorkerProcess[] = [];
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-workers-'));
  private readonly runbookFile: string;

  constructor(
    private readonly t: TestApp,
    private readonly secretKey: string,
    runbooks: Runbook[],
  ) {
    this.runbookFile = path.join(this.dir, 'runbooks.json');
    writeFileSync(this.runbookFile, JSON.stringify(runbooks));
  }

  async start(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [path.join(ROOT, 'test/engine/support/fixture-worker.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: this.t.db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: this.t.runtime.config.app.QUEUE_PREFIX,
        OPSPRINT_SECRET_KEY: this.secretKey,
        OPSPRINT_DATA_DIR: this.dir,
        FIXTURE_RUNBOOK_FILE: this.runbookFile,
        LOG_LEVEL: 'warn',
        STEP_TIMEOUT_MS: '30000',
        ...env,
      },
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const worker: WorkerProcess = { child, pid: child.pid!, output: () => output, exited };
    this.running.push(worker);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output}`);
        return output.includes('OpSprint worker running') ? true : undefined;
      },
      30_000,
      50,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    return worker;
  }

  async kill(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
    await worker.exited;
  }

  /** Kills every process this instance started (afterAll, also after a failure). */
  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((worker) => this.kill(worker)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../../../scripts/build/build.mjs';
import type { Runbook } from '../../../src/runbooks/model.js';
import { eventually, SCHEDULES_OFF, TEST_REDIS_URL, type TestApp } from '../../support/test-app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Compiles into dist/ whatever changed since the last build (SWC, about a second for everything). */
export async function ensureWorkerBuilt(): Promise<void> {
  await ensureBuilt();
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
}

/** Separate worker (or API) processes sharing one test app's PostgreSQL schema, Redis prefix and secret key. */
export class WorkerProcesses {
  private readonly running: WorkerProcess[] = [];
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-workers-'));
  private readonly runbookFile: string;

  /**
   * `entry`: the script to run and the line it prints once ready; by default the worker entry point
   * (test/faults uses the API's, to kill an API process).
   */
  constructor(
    private readonly t: TestApp,
    private readonly secretKey: string,
    runbooks: Runbook[],
    private readonly entry = { script: 'test/engine/support/fixture-worker.mjs', ready: 'OpSprint worker running' },
  ) {
    this.runbookFile = path.join(this.dir, 'runbooks.json');
    writeFileSync(this.runbookFile, JSON.stringify(runbooks));
  }

  async start(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [path.join(ROOT, this.entry.script)], {
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
        // Off as in the test app it shares a database and a queue prefix with (support/test-app.ts).
        ...SCHEDULES_OFF,
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
        return output.includes(this.entry.ready) ? true : undefined;
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

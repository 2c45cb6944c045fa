import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { canConnect, freePort } from '../../src/infra/local-services/local-services.js';
import { eventually } from './test-app.js';

/**
 * A redis-server of the test's own on a free port, never the shared one on 6379: fault tests stop
 * and restart it. `keepData` restarts it from its dump (SAVE first), else it comes back empty.
 */
export class TestRedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-redis-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Stops the server; with `keepData` it writes its data to disk first, so `start()` brings it back. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    if (options.keepData) {
      const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
      try {
        await client.save();
      } finally {
        client.disconnect();
      }
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // SIGKILL: a crash, not a shutdown (no save on exit either way: saving is off).
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** Starts it again on the same port; with the data saved by `stop({ keepData: true })`, if any. */
  async restart(options: { keepData?: boolean } = {}): Promise<void> {
    await this.stop(options);
    if (!options.keepData) rmSync(path.join(this.dir, 'dump.rdb'), { force: true });
    await this.launch();
  }

  async launch(): Promise<void> {
    if (this.child && this.child.exitCode === null) return;
    // No automatic saving (`--save ''`); the dump file is read at start when one was written by SAVE.
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir],
      { stdio: 'ignore' },
    );
    this.child = child;
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${child.exitCode}`);
      return (await canConnect('127.0.0.1', this.port, 300)) ? true : undefined;
    }, 20_000);
  }

  /** Number of clients connected right now (CLIENT LIST, this probe's own connection excluded). */
  async clientCount(): Promise<number> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      const list = (await client.client('LIST')) as string;
      return list.trim().split('\n').length - 1;
    } finally {
      client.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Embedded defaults so the main job runs on a fresh machine: use the local PostgreSQL/Redis
 * when they answer, else start an embedded PostgreSQL (PGlite, kept under .data/) or
 * redis-server from PATH; otherwise say exactly what to install.
 */
export interface ResolvedService {
  url: string;
  source: 'configured' | 'local' | 'embedded' | 'started';
  /** Embedded PGlite serves one connection at a time. */
  maxConnections?: number;
  stop(): Promise<void>;
}

const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432 };
const LOCAL_REDIS = { host: '127.0.0.1', port: 6379 };
const noop = async () => undefined;

export function canConnect(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before accepting connections`);
    if (await canConnect('127.0.0.1', port, 300)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${what} did not accept connections on port ${port} within ${timeoutMs} ms`);
}

function stopChild(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
}

/** The local server's own database for OpSprint, created when missing. */
async function localPostgresUrl(database: string): Promise<string> {
  const user = process.env.PGUSER ?? 'postgres';
  const admin = new pg.Client({ ...LOCAL_POSTGRES, user, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return `postgresql://${encodeURIComponent(user)}@${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}/${database}`;
}

export async function resolveDatabase(configured: string | undefined, dataDir: string, database = 'opsprint'): Promise<ResolvedService> {
  if (configured) return { url: configured, source: 'configured', stop: noop };
  if (await canConnect(LOCAL_POSTGRES.host, LOCAL_POSTGRES.port)) {
    try {
      return { url: await localPostgresUrl(database), source: 'local', stop: noop };
    } catch (error) {
      throw new Error(
        `PostgreSQL answers on 127.0.0.1:5432 but OpSprint cannot use it (${(error as Error).message}); set DATABASE_URL to a database it may use`,
      );
    }
  }
  return startEmbeddedPostgres(path.join(dataDir, 'pglite'));
}

/** PGlite (PostgreSQL compiled to WebAssembly) served on a local port, data kept in `dir`. */
export async function startEmbeddedPostgres(dir: string): Promise<ResolvedService> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // The package does not export its server script; find it beside the package's entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite-socket');
  const script = path.join(path.dirname(entry), 'scripts', 'server.js');
  const child = spawn(process.execPath, [script, `--db=${dir}`, `--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore' });
  await waitForPort(port, child, 'embedded PostgreSQL (PGlite)');
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, source: 'embedded', maxConnections: 1, stop: stopChild(child) };
}

export async function resolveRedis(configured: string | undefined): Promise<ResolvedService> {
  if (configured) return { url: configured, source: 'configured', stop: noop };
  if (await canConnect(LOCAL_REDIS.host, LOCAL_REDIS.port)) {
    return { url: `redis://${LOCAL_REDIS.host}:${LOCAL_REDIS.port}`, source: 'local', stop: noop };
  }
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const binary = which.stdout.trim();
  if (!binary) {
    throw new Error(
      'Redis is needed and none answers on 127.0.0.1:6379. Install it with `sudo apt-get install -y redis-server` (or set REDIS_URL to a running Redis).',
    );
  }
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port, child, 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, source: 'started', stop: stopChild(child) };
}

/**
 * One PING with no retries, bounded by `timeoutMs`: start-up's check that REDIS_URL answers, so a
 * dead one stops the process with one line instead of ioredis reconnecting (and logging) forever.
 */
export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  // Without a listener ioredis prints every connection error with its stack.
  client.on('error', (error: Error) => (lastError = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    const reason = lastError ?? (error as Error);
    throw new Error(reason.message || (reason as NodeJS.ErrnoException).code || reason.name);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

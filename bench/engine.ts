/**
 * The whole engine for the bench: the service as production builds it (API, BullMQ, phase runner,
 * PostgreSQL ledger) on this machine's PostgreSQL (own schema) and Redis (own key prefix), with a
 * generated runbook of K command steps, deployed through the REST API. Extra worker processes
 * (bench/engine-worker.ts) join the same queues with the same runbook.
 */
import { deleteRedisPrefix } from '../lab/redis/delete-prefix.js';
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../src/app/create-app.js';
import { prepareRuntime, type PreparedRuntime } from '../src/app/bootstrap.js';
import { freePort } from '../src/infra/local-services/local-services.js';
import { RunbookCatalog } from '../src/runbooks/catalog.js';
import type { InventoryNode, Runbook } from '../src/runbooks/model.js';
import { exampleInventory } from '../src/runbooks/openstack-liberty/example-inventory.js';
import type { SshTarget } from '../src/infra/ssh/executor.types.js';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface PhaseSpec {
  key: string;
  steps: string[];
}

/** One story per phase, every phase on every compute node, no dependencies between phases. */
export function generatedRunbook(key: string, phases: PhaseSpec[]): Runbook {
  return {
    key,
    version: '1.0.0',
    title: `bench ${key}`,
    phases: phases.map((phase) => ({
      key: phase.key,
      title: `phase ${phase.key}`,
      goal: `run ${phase.steps.length} steps`,
      dependsOn: [],
      on: ['compute'],
      stories: [
        {
          key: `${phase.key}-story`,
          title: `steps of ${phase.key}`,
          userStory: 'As an operator I want cheap steps to run so that the engine cost is measured',
          acceptanceCriteria: ['every step runs'],
          steps: phase.steps.map((run, i) => ({ kind: 'command' as const, key: `${phase.key}-s${i + 1}`, title: `step ${i + 1}`, run })),
        },
      ],
    })),
  };
}

/** The runbooks a bench engine knows, rebuilt identically in each worker process from this spec. */
export type CatalogSpec = Array<{ key: string; phases: PhaseSpec[] }>;

export function catalogOf(spec: CatalogSpec): RunbookCatalog {
  return RunbookCatalog.of(spec.map((r) => generatedRunbook(r.key, r.phases)));
}

export interface DeploymentSummary {
  id: string;
  status: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt?: string;
}

export class BenchEngine {
  private readonly workers: ChildProcess[] = [];

  private constructor(
    readonly app: INestApplication,
    private readonly prepared: PreparedRuntime,
    readonly baseUrl: string,
    readonly token: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly catalogSpec: CatalogSpec | undefined,
    private readonly schemaUrl: string,
    private readonly prefix: string,
  ) {}

  /** catalogSpec undefined: the built-in runbooks (openstack-liberty). */
  static async start(catalogSpec: CatalogSpec | undefined, extraEnv: Record<string, string> = {}, runWorkers = true): Promise<BenchEngine> {
    const suffix = randomBytes(4).toString('hex');
    const schemaUrl = `${BENCH_DATABASE_URL}${BENCH_DATABASE_URL.includes('?') ? '&' : '?'}schema=bench_${suffix}`;
    const prefix = `bench${suffix}`;
    const token = `bench-${randomBytes(18).toString('hex')}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: schemaUrl,
      REDIS_URL: BENCH_REDIS_URL,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'error',
      OPSPRINT_ADMIN_TOKEN: token,
      OPSPRINT_SECRET_KEY: randomBytes(32).toString('hex'),
      OPSPRINT_DATA_DIR: path.join(process.cwd(), '.data', `bench-${suffix}`),
      PORT: String(await freePort()),
      ...extraEnv,
    };
    const prepared = await prepareRuntime({ serveHttp: true, runWorkers, env });
    const app = await createApp({ ...prepared.runtime, catalog: catalogSpec ? catalogOf(catalogSpec) : undefined });
    await app.listen(prepared.runtime.config.app.PORT, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${prepared.runtime.config.app.PORT}`;
    return new BenchEngine(app, prepared, baseUrl, token, env, catalogSpec, schemaUrl, prefix);
  }

  /** Starts a worker-only process on the same queues and database; resolves once it is ready. */
  async addWorkerProcess(): Promise<ChildProcess> {
    const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'engine-worker.js');
    // The bench's own node flags too: `node --cpu-prof dist/bench/run.js` then profiles the worker process as well.
    const child = spawn(process.execPath, [...process.execArgv, entry], {
      env: { ...this.env, ...(this.catalogSpec ? { BENCH_CATALOG: JSON.stringify(this.catalogSpec) } : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.workers.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench worker process exited with ${code} before it was ready`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
    });
    return child;
  }

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An environment of the given SSH targets: the first is controller and compute, the rest compute. */
  async createEnvironment(name: string, targets: SshTarget[]): Promise<void> {
    const example = exampleInventory({ environment: name });
    const nodes: InventoryNode[] = targets.map((target, i) => ({
      name: `bench-${i}.example.com`,
      roles: i === 0 ? ['controller', 'compute'] : ['compute'],
      managementIp: `192.168.${57 + Math.floor(i / 200)}.${10 + (i % 200)}`,
      providerInterface: 'eth0',
      ssh: { host: target.host, port: target.port, user: target.username, hostKeyFingerprint: target.hostKeyFingerprint },
    }));
    const network = { ...example.network, managementCidr: '192.168.56.0/21' };
    await this.call('POST', '/api/v1/environments', {
      name,
      network,
      nodes,
      secrets: { SSH_PRIVATE_KEY: targets[0].privateKey.toString() },
    });
  }

  /** Deploys through the API and waits for the end; wall time from the POST to the finish the server recorded. */
  async deploy(
    environment: string,
    runbook: string,
    timeoutMs = 300_000,
    phases?: string[],
  ): Promise<{ wallMs: number; deployment: DeploymentSummary }> {
    const posted = Date.now();
    const created = await this.call<DeploymentSummary>('POST', '/api/v1/deployments', { environment, runbook, phases });
    const deployment = await this.waitFor(created.id, timeoutMs);
    if (deployment.status !== 'succeeded') throw new Error(`deployment ${created.id} ${deployment.status}: ${deployment.error ?? ''}`);
    return { wallMs: Date.parse(deployment.finishedAt!) - posted, deployment };
  }

  async waitFor(id: string, timeoutMs = 300_000): Promise<DeploymentSummary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [latest] = await this.call<DeploymentSummary[]>('GET', `/api/v1/deployments?limit=5`).then((list) =>
        list.filter((d) => d.id === id),
      );
      if (latest?.finishedAt) return latest;
      if (Date.now() > deadline) throw new Error(`deployment ${id} did not finish within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  async stop(): Promise<void> {
    for (const child of this.workers) child.kill('SIGTERM');
    await Promise.all(this.workers.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
    await this.app.close();
    await this.prepared.stop();
    await dropSchema(this.schemaUrl).catch(() => undefined);
    await deleteRedisPrefix(BENCH_REDIS_URL, this.prefix).catch(() => undefined);
  }
}

async function dropSchema(url: string): Promise<void> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema')!;
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

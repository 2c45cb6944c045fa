import { randomBytes } from 'node:crypto';
import { deleteRedisPrefix, SCHEDULES_OFF } from '../support/test-app.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import ssh2 from 'ssh2';
import request from 'supertest';
import { createApp } from '../../src/app/create-app.js';
import type { Runtime } from '../../src/config/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { exampleInventory } from '../../src/runbooks/openstack-liberty/example-inventory.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

export interface ApiTestApp {
  app: INestApplication;
  db: TestDatabase;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The app as production builds it (workers off by default, so deployments stay queued), on its own schema and Redis prefix. */
export async function startApiApp(options: { env?: Record<string, string>; runWorkers?: boolean } = {}): Promise<ApiTestApp> {
  const env = options.env ?? { OPSPRINT_ADMIN_TOKEN: ADMIN_TOKEN };
  const db = await createTestDatabase();
  const prefix = `api-${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'opsprint-api-'));
  const runtime: Runtime = {
    config: loadConfig({ LOG_LEVEL: 'silent', QUEUE_PREFIX: prefix, ...SCHEDULES_OFF, ...env }),
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    dataDir,
    runWorkers: options.runWorkers ?? false,
    serveHttp: true,
  };
  const app = await createApp(runtime);
  return {
    app,
    db,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await deleteRedisPrefix(prefix);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A real ed25519 private key in OpenSSH format, as an operator would paste it. */
export function sshPrivateKey(): string {
  return ssh2.utils.generateKeyPairSync('ed25519').private;
}

/**
 * What a worker does after a cancel once the running step has stopped: closes the deployment and
 * frees its environment. These apps run no workers, and a log stream ends only at the close.
 */
export async function closeAsWorker(t: ApiTestApp, deploymentId: string): Promise<void> {
  await t.db.prisma.deployment.update({ where: { id: deploymentId }, data: { finishedAt: new Date(), activeEnvironmentId: null } });
}

/** An environment body for POST /api/v1/environments: the seed's two nodes, with chosen secrets. */
export function environmentBody(name: string, secrets: Record<string, string> = {}) {
  const inventory = exampleInventory({ environment: name });
  return {
    name,
    description: `test environment ${name}`,
    network: inventory.network,
    nodes: inventory.nodes,
    secrets: { SSH_PRIVATE_KEY: sshPrivateKey(), ...secrets },
  };
}

/** Creates a token through the API and returns its value. */
export async function createToken(
  t: ApiTestApp,
  name: string,
  role: 'viewer' | 'operator' | 'admin',
): Promise<{ id: string; token: string }> {
  const response = await t.http().post('/api/v1/tokens').set(bearer(ADMIN_TOKEN)).send({ name, role }).expect(201);
  return { id: response.body.id, token: response.body.token };
}

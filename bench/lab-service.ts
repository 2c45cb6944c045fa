/**
 * The service with the lab behind it, for the figures about real deployments (groups 3-5): lab
 * nodes (real SSH in front of simulated CentOS 7), optionally the Atlassian sandbox, the service on
 * this machine's PostgreSQL and Redis, and environment "lab" registered through the API.
 */
import { readFileSync } from 'node:fs';
import { startAtlassianSandbox, type AtlassianSandbox } from '../lab/atlassian/server.js';
import { DEFAULT_USERS } from '../lab/atlassian/http.js';
import { startLab, type Lab } from '../lab/nodes/lab.js';
import { labInventory } from '../lab/nodes/lab-inventory.js';
import { JobQueue } from '../src/infra/queue/job-queue.js';
import { generateSecrets } from '../src/runbooks/secrets.js';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { BenchEngine, type DeploymentSummary } from './engine.js';

export interface PhaseRunView {
  phaseKey: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface LabService {
  lab: Lab;
  engine: BenchEngine;
  sandbox?: AtlassianSandbox;
  /** The worker-only process, when the service runs its workers apart (to measure their memory). */
  worker?: ChildProcess;
  deploy(phases?: string[], timeoutMs?: number): Promise<{ wallMs: number; id: string; phaseRuns: PhaseRunView[] }>;
  /**
   * Like deploy, but when the time is up the deployment is cancelled and what it got through is
   * returned (wallMs undefined): the phases that finished still say what they cost.
   */
  deployWithin(phases: string[], timeoutMs: number): Promise<{ wallMs?: number; id: string; phaseRuns: PhaseRunView[] }>;
  /** Waits until the JIRA and Confluence queues are empty. */
  atlassianSettled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startLabService(options: { computes: number; atlassian: boolean; separateWorker: boolean }): Promise<LabService> {
  const lab = await startLab({ computeNodes: options.computes });
  let sandbox: AtlassianSandbox | undefined;
  let engine: BenchEngine | undefined;
  try {
    const env: Record<string, string> = { PHASE_NODE_CONCURRENCY: '50' };
    const webhookSecret = randomBytes(16).toString('hex');
    if (options.atlassian) {
      sandbox = await startAtlassianSandbox({});
      const user = DEFAULT_USERS[0];
      Object.assign(env, {
        JIRA_BASE_URL: sandbox.jiraBaseUrl,
        JIRA_FLAVOR: 'cloud',
        JIRA_EMAIL: user.email,
        JIRA_API_TOKEN: user.apiToken,
        JIRA_PROJECT_KEY: 'OPS',
        JIRA_BOARD_ID: '1',
        JIRA_WEBHOOK_SECRET: webhookSecret,
        CONFLUENCE_BASE_URL: sandbox.confluenceBaseUrl,
        CONFLUENCE_USERNAME: user.email,
        CONFLUENCE_API_TOKEN: user.apiToken,
        CONFLUENCE_SPACE_KEY: 'OPS',
      });
    }
    engine = await BenchEngine.start(undefined, env, !options.separateWorker);
    if (sandbox) sandbox.jira.webhooks.register({ url: `${engine.baseUrl}/webhooks/jira`, secret: webhookSecret });
    const worker = options.separateWorker ? await engine.addWorkerProcess() : undefined;
    const inventory = labInventory(lab);
    await engine.call('POST', '/api/v1/environments', {
      name: 'lab',
      network: inventory.network,
      nodes: lab.nodes,
      secrets: { ...generateSecrets(), SSH_PRIVATE_KEY: lab.clientPrivateKey! },
    });
    const running = engine;
    return {
      lab,
      engine: running,
      sandbox,
      worker,
      async deploy(phases, timeoutMs = 600_000) {
        const { wallMs, deployment } = await running.deploy('lab', 'openstack-liberty', timeoutMs, phases);
        const detail = await running.call<{ phaseRuns: PhaseRunView[] }>('GET', `/api/v1/deployments/${deployment.id}`);
        return { wallMs, id: deployment.id, phaseRuns: detail.phaseRuns };
      },
      async deployWithin(phases, timeoutMs) {
        const posted = Date.now();
        const created = await running.call<DeploymentSummary>('POST', '/api/v1/deployments', {
          environment: 'lab',
          runbook: 'openstack-liberty',
          phases,
        });
        const finished = await running.waitFor(created.id, timeoutMs).catch(() => undefined);
        if (!finished) await running.call('POST', `/api/v1/deployments/${created.id}/cancel`).catch(() => undefined);
        else if (finished.status !== 'succeeded') throw new Error(`deployment ${created.id} ${finished.status}: ${finished.error ?? ''}`);
        const detail = await running.call<{ phaseRuns: PhaseRunView[] }>('GET', `/api/v1/deployments/${created.id}`);
        return { wallMs: finished ? Date.parse(finished.finishedAt!) - posted : undefined, id: created.id, phaseRuns: detail.phaseRuns };
      },
      async atlassianSettled(timeoutMs = 180_000) {
        const queue = running.app.get(JobQueue);
        const deadline = Date.now() + timeoutMs;
        while ((await queue.pending(['jira', 'confluence'])) > 0) {
          if (Date.now() > deadline) throw new Error(`JIRA/Confluence updates still queued after ${timeoutMs / 1000} s`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      async stop() {
        await running.stop();
        await sandbox?.stop();
        await lab.stop();
      },
    };
  } catch (error) {
    await engine?.stop().catch(() => undefined);
    await sandbox?.stop().catch(() => undefined);
    await lab.stop();
    throw error;
  }
}

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export function phaseSeconds(phase: PhaseRunView): number {
  return phase.startedAt && phase.finishedAt ? (Date.parse(phase.finishedAt) - Date.parse(phase.startedAt)) / 1000 : Number.NaN;
}

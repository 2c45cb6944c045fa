import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus registry of this process, served at /metrics. One per process, not per Nest
 * application: gateways and the SSH executor are also built outside the container (health pings,
 * tests), and what they count belongs to the process. Gauges read from the database or Redis
 * (deployments, queue depth) are set by the /metrics controller at scrape time.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'opsprint_' });

const registers = [registry];
/** Steps run from well under a second (a probe) to the 15-minute step timeout. */
const STEP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800];

export const metrics = {
  deployments: new Gauge({
    name: 'opsprint_deployments',
    help: 'Deployments by status, from the ledger at scrape time',
    labelNames: ['status'],
    registers,
  }),
  steps: new Counter({
    name: 'opsprint_steps_total',
    help: 'Step runs finished by this process, by phase and outcome (ok, changed, would_change, failed, cancelled)',
    labelNames: ['phase', 'status'],
    registers,
  }),
  stepDuration: new Histogram({
    name: 'opsprint_step_duration_seconds',
    help: 'Duration of finished step runs, by phase and outcome',
    labelNames: ['phase', 'status'],
    buckets: STEP_BUCKETS,
    registers,
  }),
  queueJobs: new Gauge({
    name: 'opsprint_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed, completed), from Redis at scrape time',
    labelNames: ['queue', 'state'],
    registers,
  }),
  jobWait: new Histogram({
    name: 'opsprint_job_wait_seconds',
    help: 'Time from a job being due (added, or its delay over) to a worker of this process taking it, per queue',
    labelNames: ['queue'],
    buckets: JOB_BUCKETS,
    registers,
  }),
  jobDuration: new Histogram({
    name: 'opsprint_job_duration_seconds',
    help: 'Time a worker of this process spent on a job, per queue and outcome (completed, failed, handed_back)',
    labelNames: ['queue', 'outcome'],
    buckets: JOB_BUCKETS,
    registers,
  }),
  sshConnections: new Gauge({
    name: 'opsprint_ssh_connections_open',
    help: 'SSH connections to nodes open in this process',
    registers,
  }),
  logSubscriptions: new Gauge({
    name: 'opsprint_log_stream_subscriptions',
    help: 'Deployments whose live log this process follows: one shared subscription each, however many streams',
    registers,
  }),
  logStreams: new Gauge({
    name: 'opsprint_log_streams_open',
    help: 'Deployment log streams (SSE) open in this process',
    registers,
  }),
  atlassianRequests: new Counter({
    name: 'opsprint_atlassian_requests_total',
    help: 'Requests to JIRA and Confluence by answer: ok, the HTTP status of a failure, or network',
    labelNames: ['system', 'status'],
    registers,
  }),
  atlassianRetries: new Counter({
    name: 'opsprint_atlassian_retries_total',
    help: 'Requests to JIRA and Confluence made again after a transient failure',
    labelNames: ['system'],
    registers,
  }),
};

/** The `status` label of one Atlassian answer: `ok`, the HTTP status of a failure, or `network`. */
export function answerLabel(error: unknown): string {
  if (error === undefined) return 'ok';
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? String(status) : 'network';
}

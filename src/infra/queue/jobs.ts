import type { JobsOptions } from 'bullmq';
import type { DeploymentEvent } from '../events/deployment-events.js';

/** Payloads of the jobs, by job name: what `add` accepts and what an `@OnJob` handler receives. */
export interface JobPayloads {
  /** Run one phase of a deployment on its nodes. */
  'deployments:run-phase': { deploymentId: string; phaseKey: string };
  /** Find deployments whose jobs are gone from Redis and queue their unfinished phases again (or fail them). */
  'deployments:reconcile': { trigger: 'start-up' | 'schedule' };
  /** Decide which phases start (or whether the deployment ends), under the deployment's row lock. */
  'deployments:advance': { deploymentId: string };
  'jira:deployment-event': DeploymentEvent;
  'jira:sync-backlog': { deploymentId: string; environmentId: string; environmentName: string };
  /** The JQL poll that catches missed webhooks; repeated by a BullMQ job scheduler. */
  'jira:poll': Record<string, never>;
  /**
   * Close a JIRA sprint (Agile API). `atEndDate`: the job scheduled for the sprint's end date when it
   * started; it closes only a sprint whose end date has come (one moved later is scheduled again).
   */
  'jira:close-sprint': { sprintId: number; atEndDate?: boolean };
  /** `phaseKey`: the phase whose finish queued it; absent for the deployment's own end. */
  'confluence:publish-deployment': { deploymentId: string; environmentId: string; phaseKey?: string };
  /** A deployment schedule fires: start its deployment unless the environment is busy (then the firing is recorded as skipped). */
  'schedules:deploy': { scheduleId: string };
  /** The drift check fires: a check-mode run of the finished phases of every idle environment. */
  'schedules:drift-check': Record<string, never>;
  /** A deployment finished: a drift check's run records what drifted; a real run clears the drift of the phases it put right. */
  'schedules:drift-record': { deploymentId: string };
  /** The daily scrum digest fires: a Confluence page update and a comment on the epics of each active sprint. */
  'schedules:daily-digest': Record<string, never>;
  /** Looks for active sprints whose end has passed: closes each (JIRA too) and publishes its review. */
  'schedules:sprint-review': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/**
 * Every job, its queue and its options, in one place. Queues keep slow work apart: a slow
 * JIRA never holds up SSH work, and a busy engine never holds up a cancel.
 */
export const JOBS = {
  'deployments:run-phase': {
    queue: 'deployments',
    // A transient SSH failure retries the phase; the step ledger makes the rerun resume, not repeat.
    // The backoff's delay is PHASE_RETRY_DELAY_MS (JobQueue.add); 2000 is its default.
    options: { attempts: 4, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 1000 },
  },
  'deployments:advance': {
    queue: 'coordination',
    // The decision is idempotent (job ids of the phases it starts dedupe), so a retry is always safe.
    options: { attempts: 10, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: 1000, removeOnFail: 1000 },
  },
  'deployments:reconcile': {
    queue: 'coordination',
    // The next run looks again; job ids per time slot keep several processes from running it twice.
    options: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 },
  },
  'jira:deployment-event': {
    queue: 'jira',
    // JIRA may be down for a while: keep trying for about an hour, in order (the jira queue runs one job at a time).
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  },
  'jira:sync-backlog': {
    queue: 'jira',
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 1000 },
  },
  'jira:poll': {
    queue: 'jira',
    // The next tick polls again; a failed poll is not worth retrying.
    options: { attempts: 1, removeOnComplete: 10, removeOnFail: 100 },
  },
  'jira:close-sprint': {
    queue: 'jira',
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 1000 },
  },
  'confluence:publish-deployment': {
    queue: 'confluence',
    options: { attempts: 30, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 100, removeOnFail: 1000 },
  },
  // A firing is not retried: a missed one waits for the next (its ScheduleRun row says why it failed).
  'schedules:deploy': { queue: 'schedules', options: { attempts: 1, removeOnComplete: 200, removeOnFail: 500 } },
  'schedules:drift-check': { queue: 'schedules', options: { attempts: 1, removeOnComplete: 50, removeOnFail: 200 } },
  'schedules:daily-digest': { queue: 'schedules', options: { attempts: 1, removeOnComplete: 50, removeOnFail: 200 } },
  'schedules:sprint-review': { queue: 'schedules', options: { attempts: 1, removeOnComplete: 50, removeOnFail: 200 } },
  'schedules:drift-record': {
    queue: 'schedules',
    // Reopening stories needs JIRA, which may be down for a while.
    options: { attempts: 20, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 200, removeOnFail: 1000 },
  },
} as const satisfies Record<JobName, { queue: string; options: JobsOptions }>;

export type QueueName = (typeof JOBS)[JobName]['queue'];
export const QUEUE_NAMES = [...new Set(Object.values(JOBS).map((j) => j.queue))] as QueueName[];

/**
 * How many jobs of a queue run at once. `global` holds across every process (a Redis-side
 * limit): JIRA updates must land in order even with workers on several machines.
 */
export const QUEUE_CONCURRENCY: Record<QueueName, { perProcess: number | 'WORKER_CONCURRENCY'; global?: number }> = {
  deployments: { perProcess: 'WORKER_CONCURRENCY' },
  coordination: { perProcess: 4 },
  jira: { perProcess: 1, global: 1 },
  confluence: { perProcess: 1 },
  // One schedule job at a time across every process: no schedule ever overlaps itself (or another).
  schedules: { perProcess: 1, global: 1 },
};

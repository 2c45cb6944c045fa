import type { JobName } from '../infra/queue/jobs.js';

/** The built-in schedules: their key (API, ScheduleRun rows, BullMQ scheduler id) and the job each fires. */
export const BUILT_IN_SCHEDULES = {
  'drift-check': { job: 'schedules:drift-check', setting: 'driftCheck', env: 'DRIFT_CHECK' },
  'daily-digest': { job: 'schedules:daily-digest', setting: 'dailyDigest', env: 'DAILY_DIGEST' },
  'sprint-review': { job: 'schedules:sprint-review', setting: 'sprintReview', env: 'SPRINT_REVIEW' },
} as const satisfies Record<string, { job: JobName; setting: string; env: string }>;

export type BuiltInScheduleKey = keyof typeof BUILT_IN_SCHEDULES;
export const BUILT_IN_KEYS = Object.keys(BUILT_IN_SCHEDULES) as BuiltInScheduleKey[];

export const isBuiltIn = (key: string): key is BuiltInScheduleKey => key in BUILT_IN_SCHEDULES;

/** A deployment schedule's key: its ScheduleRun rows and its BullMQ scheduler id (no ':' in job ids). */
export const deploymentScheduleKey = (scheduleId: string) => `deployment-${scheduleId}`;

/** Who asks for the deployments a schedule starts (Deployment.requester). */
export const DRIFT_CHECK_REQUESTER = 'schedule:drift-check';
export const deploymentScheduleRequester = (name: string) => `schedule:${name}`;

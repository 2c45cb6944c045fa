import { cronProblem, timeZoneProblem } from '../common/cron-schedule.js';
import { ConfigError, Problems } from './app-config.js';

/** One built-in schedule's settings: its off switch, when it fires and in which time zone. */
export interface ScheduleSetting {
  enabled: boolean;
  cron: string;
  timezone: string;
}

/**
 * Settings of the schedules (see README, Schedules). Each built-in schedule reads
 * `<NAME>_ENABLED`, `<NAME>_CRON` and `<NAME>_TIMEZONE`; deployment schedules are rows created
 * through the API and have one switch for all of them.
 */
export interface SchedulesConfig {
  /** Re-runs the verifications of finished phases in check mode and records drift. */
  driftCheck: ScheduleSetting;
  /** The daily scrum digest: a Confluence page update and a comment on the sprint's epics. */
  dailyDigest: ScheduleSetting;
  /** Looks for sprints whose end has passed: publishes their review and closes the JIRA sprint. */
  sprintReview: ScheduleSetting;
  /** Off: no deployment schedule fires (they stay listed and editable). */
  deploymentsEnabled: boolean;
}

const DEFAULTS: Record<'DRIFT_CHECK' | 'DAILY_DIGEST' | 'SPRINT_REVIEW', ScheduleSetting> = {
  DRIFT_CHECK: { enabled: true, cron: '17 * * * *', timezone: 'UTC' },
  DAILY_DIGEST: { enabled: true, cron: '0 9 * * 1-5', timezone: 'UTC' },
  SPRINT_REVIEW: { enabled: true, cron: '*/10 * * * *', timezone: 'UTC' },
};

function parseSwitch(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error(`${name}: expected true or false, got "${raw}"`);
}

function parseSetting(problems: Problems, env: NodeJS.ProcessEnv, prefix: keyof typeof DEFAULTS): ScheduleSetting {
  const fallback = DEFAULTS[prefix];
  const enabled = problems.take(() => parseSwitch(`${prefix}_ENABLED`, env[`${prefix}_ENABLED`], fallback.enabled));
  const cron = problems.take(() => {
    const raw = env[`${prefix}_CRON`]?.trim() || fallback.cron;
    const problem = cronProblem(raw);
    if (problem) throw new Error(`${prefix}_CRON: ${problem}`);
    return raw;
  });
  const timezone = problems.take(() => {
    const raw = env[`${prefix}_TIMEZONE`]?.trim() || fallback.timezone;
    const problem = timeZoneProblem(raw);
    if (problem) throw new Error(`${prefix}_TIMEZONE: ${problem}`);
    return raw;
  });
  return { enabled: enabled ?? fallback.enabled, cron: cron ?? fallback.cron, timezone: timezone ?? fallback.timezone };
}

/** Throws a ConfigError with one line per bad value, each starting with the variable's name. */
export function loadSchedulesConfig(env: NodeJS.ProcessEnv): SchedulesConfig {
  const problems = new Problems();
  const config: SchedulesConfig = {
    driftCheck: parseSetting(problems, env, 'DRIFT_CHECK'),
    dailyDigest: parseSetting(problems, env, 'DAILY_DIGEST'),
    sprintReview: parseSetting(problems, env, 'SPRINT_REVIEW'),
    deploymentsEnabled: problems.take(() => parseSwitch('SCHEDULED_DEPLOYMENTS_ENABLED', env.SCHEDULED_DEPLOYMENTS_ENABLED, true)) ?? true,
  };
  if (problems.list.length > 0) throw new ConfigError(problems.list);
  return config;
}

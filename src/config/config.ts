import { type AppConfig, ConfigError, loadAppConfig, Problems } from './app-config.js';
import { type ConfluenceConfig, loadConfluenceConfig } from './confluence-config.js';
import { type JiraConfig, loadJiraConfig } from './jira-config.js';
import { loadSchedulesConfig, type SchedulesConfig } from './schedules-config.js';

/** Every setting of the service, read from the environment and validated once, at start. */
export interface Config {
  app: AppConfig;
  /** null: JIRA sync is off (JIRA_BASE_URL unset). */
  jira: JiraConfig | null;
  /** null: Confluence publishing is off (CONFLUENCE_BASE_URL unset). */
  confluence: ConfluenceConfig | null;
  /** Drift check, daily digest, sprint-end review, scheduled deployments: switches and times. */
  schedules: SchedulesConfig;
}

/** Throws one ConfigError listing every bad value of every setting, one line each. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems = new Problems();
  const app = problems.take(() => loadAppConfig(env));
  const jira = problems.take(() => loadJiraConfig(env));
  const confluence = problems.take(() => {
    try {
      return loadConfluenceConfig(env);
    } catch (error) {
      throw new ConfigError((error as { problems?: string[] }).problems ?? [(error as Error).message]);
    }
  });
  const schedules = problems.take(() => loadSchedulesConfig(env));
  problems.throwIfAny();
  return { app: app as AppConfig, jira: jira ?? null, confluence: confluence ?? null, schedules: schedules as SchedulesConfig };
}

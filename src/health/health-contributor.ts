export interface DependencyHealth {
  status: 'up' | 'down' | 'off';
  detail?: string;
  [key: string]: unknown;
}

/** Something that reports on its own dependency (JIRA, Confluence) in /health. */
export interface HealthContributor {
  readonly healthName: string;
  health(): Promise<DependencyHealth>;
}

export const REPORTS_HEALTH = Symbol('opsprint:reports-health');

/** Marks a provider that implements HealthContributor; /health finds it at start-up. */
export function ReportsHealth(): ClassDecorator {
  return (target) => Reflect.defineMetadata(REPORTS_HEALTH, true, target);
}

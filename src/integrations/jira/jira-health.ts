import { type DependencyHealth, type HealthContributor, ReportsHealth } from '../../health/health-contributor.js';
import { Inject, Optional } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { JiraGateway } from './jira.gateway.js';

/**
 * JIRA in /health. A ping of its own (no retries, short timeout): /health must answer fast, and
 * JIRA down only delays issue updates, so the HealthService never turns this into a 503.
 */
@ReportsHealth()
export class JiraHealth implements HealthContributor {
  readonly healthName = 'jira';
  private readonly ping: JiraGateway | null;

  constructor(@Optional() @Inject(JiraConfig) private readonly config: JiraConfig | null) {
    this.ping = config ? new JiraGateway(config, { retry: { attempts: 1 }, timeoutMs: 2000 }) : null;
  }

  async health(): Promise<DependencyHealth> {
    if (!this.config || !this.ping) return { status: 'off', detail: 'JIRA_BASE_URL not set' };
    const url = this.config.baseUrl.toString();
    try {
      const info = await this.ping.serverInfo();
      return { status: 'up', url, version: info.version, project: this.config.projectKey };
    } catch (error) {
      return { status: 'down', url, detail: (error as Error).message.split('\n')[0] };
    }
  }
}

import { type DependencyHealth, type HealthContributor, ReportsHealth } from '../../health/health-contributor.js';
import { Inject, Optional } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { type JiraFinalError, JiraFinalErrors } from './jira-final-errors.js';
import { flavorOf, JiraGateway } from './jira.gateway.js';

/**
 * JIRA in /health. A ping of its own (no retries, short timeout): /health must answer fast, and
 * JIRA down only delays issue updates, so the HealthService never turns this into a 503.
 * A JIRA answer that stopped a sync for good (JiraFinalErrors) shows as `down` with its reason
 * even while the server answers the ping: nothing reaches JIRA until it is fixed.
 */
@ReportsHealth()
export class JiraHealth implements HealthContributor {
  readonly healthName = 'jira';
  private readonly ping: JiraGateway | null;

  constructor(
    @Optional() @Inject(JiraConfig) private readonly config: JiraConfig | null,
    private readonly finalErrors: JiraFinalErrors,
  ) {
    this.ping = config ? new JiraGateway(config, { retry: { attempts: 1 }, timeoutMs: 2000 }) : null;
  }

  async health(): Promise<DependencyHealth> {
    if (!this.config || !this.ping) return { status: 'off', detail: 'JIRA_BASE_URL not set' };
    const url = this.config.baseUrl.toString();
    const standing = await this.finalErrors.standing();
    const lastError =
      standing.length > 0
        ? {
            status: 'down' as const,
            detail: standing.map(describe).join('; '),
            finalErrors: standing,
          }
        : {};
    try {
      const info = await this.ping.serverInfo();
      const flavor = this.config.flavor ?? flavorOf(info);
      return { status: 'up', url, version: info.version, flavor, project: this.config.projectKey, ...lastError };
    } catch (error) {
      return { status: 'down', url, detail: (error as Error).message.split('\n')[0], ...lastError };
    }
  }
}

function describe(stopped: JiraFinalError): string {
  const phase = stopped.phaseKey ? `, phase ${stopped.phaseKey}` : '';
  const deployment = stopped.deploymentId ? ` (deployment ${stopped.deploymentId}${phase})` : '';
  return `${stopped.job} stopped at ${stopped.at}${deployment}: ${stopped.message} — not retried: ${stopped.hint}`;
}

import { type DependencyHealth, type HealthContributor, ReportsHealth } from '../../health/health-contributor.js';
import { Inject, Optional } from '@nestjs/common';
import { ConfluenceConfig } from '../../config/confluence-config.js';
import { ConfluenceGateway, cqlString } from './confluence.gateway.js';

/** Confluence in /health: one search in the space, no retries (JIRA/Confluence down never makes /health 503). */
@ReportsHealth()
export class ConfluenceHealth implements HealthContributor {
  readonly healthName = 'confluence';
  private readonly ping: ConfluenceGateway | null;

  constructor(@Optional() @Inject(ConfluenceConfig) private readonly config: ConfluenceConfig | null) {
    this.ping = config ? new ConfluenceGateway(config, { attempts: 1 }) : null;
  }

  async health(): Promise<DependencyHealth> {
    if (!this.config || !this.ping) return { status: 'off', detail: 'CONFLUENCE_BASE_URL not set' };
    try {
      await this.ping.search(`space=${cqlString(this.config.spaceKey)} and type=page`, 1);
      return { status: 'up', url: this.config.baseUrl, space: this.config.spaceKey };
    } catch (error) {
      return { status: 'down', url: this.config.baseUrl, detail: (error as Error).message.split('\n')[0] };
    }
  }
}

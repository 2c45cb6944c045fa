import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import type { JiraPollService } from './jira-poll.service.js';

export const JIRA_POLL_INTERVAL_NAME = 'jira-poll';

/** Seconds between two JQL polls, from JIRA_POLL_INTERVAL_SECONDS (default 120). */
export function pollIntervalSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.JIRA_POLL_INTERVAL_SECONDS?.trim();
  if (!raw) return 120;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 10)
    throw new Error(`JIRA_POLL_INTERVAL_SECONDS: expected a whole number of seconds ≥ 10, got "${raw}"`);
  return value;
}

/**
 * Runs the JQL poll that catches missed webhooks. The interval is registered at start-up because
 * its period is configuration; a poll still running when the next one is due is not doubled.
 */
export class JiraPollScheduler implements OnModuleDestroy {
  private readonly logger = new Logger('JiraPoll');
  private running = false;

  constructor(
    private readonly poll: JiraPollService,
    private readonly registry: SchedulerRegistry,
    private readonly seconds: number,
  ) {}

  start(): void {
    const timer = setInterval(() => void this.tick(), this.seconds * 1000);
    this.registry.addInterval(JIRA_POLL_INTERVAL_NAME, timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const result = await this.poll.pollOnce();
      if (result.requested.length > 0)
        this.logger.log(`poll requested ${result.requested.map((r) => `${r.issueKey} → ${r.deploymentId}`).join(', ')}`);
    } catch (error) {
      this.logger.warn(`JIRA poll failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onModuleDestroy(): void {
    if (this.registry.doesExist('interval', JIRA_POLL_INTERVAL_NAME)) this.registry.deleteInterval(JIRA_POLL_INTERVAL_NAME);
  }
}

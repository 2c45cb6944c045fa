import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { JiraConfig } from '../../config/jira-config.js';
import { Runtime } from '../../config/runtime.js';
import { JobQueue } from '../../infra/queue/job-queue.js';
import { OnJob } from '../../infra/queue/on-job.js';
import { JiraFinalErrors } from './jira-final-errors.js';
import { JiraPollService, type PollResult } from './jira-poll.service.js';

/**
 * The JQL poll every JIRA_POLL_INTERVAL_SECONDS, as a BullMQ job scheduler on the jira queue:
 * with several processes it still runs once per interval, and never twice at once (the jira
 * queue runs one job at a time).
 */
@Injectable()
export class JiraPollJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('JiraPoll');

  constructor(
    private readonly poll: JiraPollService,
    private readonly queue: JobQueue,
    private readonly runtime: Runtime,
    @Inject(JiraConfig) private readonly config: Pick<JiraConfig, 'pollIntervalSeconds'>,
    private readonly finalErrors: JiraFinalErrors,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.runtime.runWorkers) await this.queue.repeat('jira:poll', this.config.pollIntervalSeconds * 1000, {});
  }

  /**
   * Every ten minutes in each worker process: a Redis that restarted without its data lost the
   * scheduler, and JIRA transitions would go unseen until the next restart. Only a missing one is
   * put back: upserting a present interval scheduler would push its next firing back each time.
   */
  @Cron('*/10 * * * *', { name: 'jira.poll.restore' })
  async restoreSchedulerIfLost(): Promise<boolean> {
    if (!this.runtime.runWorkers) return false;
    try {
      if (await this.queue.scheduler('jira:poll', 'jira:poll')) return false;
      await this.queue.repeat('jira:poll', this.config.pollIntervalSeconds * 1000, {});
      this.logger.warn('the JIRA poll scheduler was missing from Redis (restarted without its data?): restored');
      return true;
    } catch (error) {
      this.logger.warn(`could not check the JIRA poll scheduler: ${(error as Error).message}`);
      return false;
    }
  }

  @OnJob('jira:poll')
  async run(): Promise<PollResult> {
    const result = await this.finalErrors.guard('jira:poll', null, () => this.poll.pollOnce());
    await this.finalErrors.clear('jira:poll');
    if (result.requested.length > 0) {
      this.logger.log(`poll requested ${result.requested.map((r) => `${r.issueKey} → ${r.deploymentId}`).join(', ')}`);
    }
    return result;
  }
}

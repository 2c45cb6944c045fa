import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
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

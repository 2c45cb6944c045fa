import { Injectable, Logger } from '@nestjs/common';
import type { JsonValue } from '../persistence/records.js';
import { ScheduleRepository } from '../persistence/repositories/schedule.repository.js';

export interface FiringResult {
  outcome: 'done' | 'skipped' | 'failed';
  reason?: string;
  deploymentId?: string;
  detail?: JsonValue;
}

/**
 * Every firing of every schedule is one ScheduleRun row, claimed before the work starts: the same
 * firing handed out twice (a stalled job taken over by another process) runs once, and what each
 * firing did, or why it did nothing, can be read back in the API.
 */
@Injectable()
export class ScheduleFirings {
  private readonly logger = new Logger('Schedules');

  constructor(private readonly runs: ScheduleRepository) {}

  async fire(scheduleKey: string, fireKey: string, work: () => Promise<FiringResult>): Promise<FiringResult & { runId?: string }> {
    const run = await this.runs.claimRun(scheduleKey, fireKey);
    if (!run) return { outcome: 'skipped', reason: `firing ${fireKey} was already run` };
    let result: FiringResult;
    try {
      result = await work();
    } catch (error) {
      result = { outcome: 'failed', reason: (error as Error).message };
    }
    await this.runs.finishRun(run.id, result);
    if (result.outcome !== 'done') this.logger.log(`${scheduleKey} ${result.outcome}: ${result.reason ?? ''}`);
    return { ...result, runId: run.id };
  }
}

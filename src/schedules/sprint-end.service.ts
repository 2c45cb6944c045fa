import { Injectable } from '@nestjs/common';
import { Runtime } from '../config/runtime.js';
import type { JsonValue } from '../persistence/records.js';
import { SprintReviewService } from '../reports/sprint-review.service.js';
import { SprintsService } from '../reports/sprints.service.js';
import { type FiringResult, ScheduleFirings } from './schedule-firings.js';

export const SPRINT_REVIEW_ACTOR = 'schedule:sprint-review';

/**
 * Sprint end: every active sprint whose planned end has passed is ended through the sprint
 * review's own use case (SprintReviewService.end): closed (a JIRA sprint through the Agile API,
 * so JIRA's sprint report exists too) and, with Confluence configured, its "Sprint review" page
 * published under the runbook root. A failure on one sprint does not stop the others.
 */
@Injectable()
export class SprintEndService {
  constructor(
    private readonly sprints: SprintsService,
    private readonly reviews: SprintReviewService,
    private readonly firings: ScheduleFirings,
    private readonly runtime: Runtime,
  ) {}

  async endDueSprints(fireKey: string, now: Date = new Date()): Promise<FiringResult> {
    return this.firings.fire('sprint-review', fireKey, async () => {
      if (!this.runtime.config.schedules.sprintReview.enabled) {
        return { outcome: 'skipped', reason: 'the sprint-end review is off (SPRINT_REVIEW_ENABLED=false)' };
      }
      // Reads the JIRA board first (when JIRA is configured), so a sprint closed there is not closed again.
      await this.sprints.refresh({ force: true, patient: true });
      const due = await this.sprints.due(now);
      if (due.length === 0) return { outcome: 'skipped', reason: 'no active sprint has reached its end' };
      const detail: JsonValue[] = [];
      const failed: string[] = [];
      for (const sprint of due) {
        try {
          const ended = await this.reviews.end(sprint.id, SPRINT_REVIEW_ACTOR);
          detail.push({ sprint: sprint.name, state: ended.sprint.state, review: ended.review?.url ?? null });
        } catch (error) {
          failed.push(`${sprint.name}: ${(error as Error).message}`);
          detail.push({ sprint: sprint.name, error: (error as Error).message });
        }
      }
      return failed.length > 0 ? { outcome: 'failed', reason: failed.join('; '), detail } : { outcome: 'done', detail };
    });
  }
}

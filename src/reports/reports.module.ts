import { Module } from '@nestjs/common';
import { SprintEventsFollower } from './sprint-events.follower.js';
import { SprintReviewService } from './sprint-review.service.js';
import { SprintsService } from './sprints.service.js';

/**
 * The sprint model and the sprint review from real data. JIRA (the board, the sprint lifecycle)
 * and Confluence (the review page) are used when their modules are on: they export their
 * gateways globally, and the services take them as optional.
 */
@Module({
  providers: [SprintsService, SprintReviewService, SprintEventsFollower],
  exports: [SprintsService, SprintReviewService],
})
export class ReportsModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { SprintReviewService } from '../reports/sprint-review.service.js';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { EnvironmentsModule } from '../environments/environments.module.js';
import { DashboardAssets } from './dashboard-assets.js';
import { DashboardLinks } from './dashboard-links.js';
import { DashboardPages } from './dashboard-pages.service.js';
import { DashboardSignInController } from './dashboard-sign-in.controller.js';
import { DashboardViews } from './dashboard-views.js';
import { DashboardController } from './dashboard.controller.js';
import { AdminAccess } from './session/admin-access.js';
import { DashboardAuthGuard } from './session/dashboard-auth.guard.js';
import { DashboardSessions } from './session/dashboard-sessions.js';
import { DashboardSprintsController } from './sprints/dashboard-sprints.controller.js';
import { SprintReviewReader } from './sprints/sprint-review-reader.js';

/** The sprint review dashboard at /dashboard. */
@Module({
  imports: [AuthModule, DeploymentsModule, EnvironmentsModule, ReportsModule, SchedulesModule],
  controllers: [DashboardSignInController, DashboardController, DashboardSprintsController, DashboardAssets],
  providers: [
    DashboardPages,
    DashboardViews,
    DashboardLinks,
    DashboardSessions,
    DashboardAuthGuard,
    AdminAccess,
    // The sprint pages read the same reports as the API and the Confluence review page (typed: the service must fit the reader).
    {
      provide: SprintReviewReader,
      useFactory: (service: SprintReviewService): SprintReviewReader => service,
      inject: [SprintReviewService],
    },
  ],
  // The queue view (bull-board, mounted by the app wiring) takes the same sign-in as the dashboard.
  exports: [AdminAccess],
})
export class DashboardModule {}

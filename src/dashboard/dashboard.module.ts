import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
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

/** The sprint review dashboard at /dashboard. */
@Module({
  imports: [AuthModule, DeploymentsModule, EnvironmentsModule],
  controllers: [DashboardSignInController, DashboardController, DashboardAssets],
  providers: [DashboardPages, DashboardViews, DashboardLinks, DashboardSessions, DashboardAuthGuard, AdminAccess],
  // The queue view (bull-board, mounted by the app wiring) takes the same sign-in as the dashboard.
  exports: [AdminAccess],
})
export class DashboardModule {}

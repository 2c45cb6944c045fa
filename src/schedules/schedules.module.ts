import { Module } from '@nestjs/common';
import { DeploymentsModule } from '../deployments/deployments.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { DailyDigestService } from './daily-digest.service.js';
import { DeploymentSchedulesService } from './deployment-schedules.service.js';
import { DriftCheckService } from './drift-check.service.js';
import { ScheduleFirings } from './schedule-firings.js';
import { ScheduleJobs } from './schedule-jobs.js';
import { SchedulesService } from './schedules.service.js';
import { SprintEndService } from './sprint-end.service.js';

/**
 * Time-driven work: scheduled deployments, the drift check, the daily scrum digest and the
 * sprint-end review. Its own folder, not src/reports: it starts deployments (a use
 * case of src/deployments) and reaches JIRA, so it sits above reports, deployments and integrations,
 * and only the API and the dashboard read it.
 */
@Module({
  imports: [DeploymentsModule, ReportsModule],
  providers: [
    ScheduleFirings,
    DailyDigestService,
    SprintEndService,
    DeploymentSchedulesService,
    DriftCheckService,
    SchedulesService,
    ScheduleJobs,
  ],
  exports: [SchedulesService, DeploymentSchedulesService, DriftCheckService],
})
export class SchedulesModule {}

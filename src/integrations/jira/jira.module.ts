import { type DynamicModule, Module } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { DeploymentsModule } from '../../deployments/deployments.module.js';
import { EnvironmentsModule } from '../../environments/environments.module.js';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { SecretValues } from '../secret-values.js';
import { JiraBacklogSync } from './backlog-sync.service.js';
import { DEPLOYMENT_REQUESTER } from './deployment-requester.port.js';
import { JiraDriftReopen } from './drift-reopen.service.js';
import { JiraDeploymentRequester } from './jira-deployment-requester.js';
import { JiraEventJobs } from './jira-event-jobs.js';
import { JiraFinalErrors } from './jira-final-errors.js';
import { JiraHealth } from './jira-health.js';
import { JiraPollJob } from './jira-poll.job.js';
import { JiraPollService } from './jira-poll.service.js';
import { JiraWebhookOffController } from './jira-webhook-off.controller.js';
import { JiraWebhookController } from './jira-webhook.controller.js';
import { JiraGateway } from './jira.gateway.js';
import { JiraRequestFeedback } from './request-feedback.service.js';
import { SprintPlacement } from './sprint-placement.js';
import { JiraSprintLifecycle } from './sprint-lifecycle.service.js';
import { JiraStatusSync } from './status-sync.service.js';
import { JiraWebhookService } from './webhook.service.js';

/**
 * JIRA sync, switched on by JIRA_BASE_URL. Off: no job handlers (no jira worker starts), the
 * webhook answers 503 and /health says why. Handlers, followers and health are declared on
 * the classes and found at start-up.
 */
@Module({})
export class JiraModule {
  static register(config: JiraConfig | null): DynamicModule {
    if (!config) {
      return { module: JiraModule, controllers: [JiraWebhookOffController], providers: [JiraHealth, JiraFinalErrors] };
    }
    return {
      module: JiraModule,
      // Global: the sprint review (src/reports) reads the board and starts/closes sprints through these when JIRA is on.
      global: true,
      imports: [DeploymentsModule, EnvironmentsModule],
      controllers: [JiraWebhookController],
      providers: [
        { provide: JiraConfig, useValue: config },
        { provide: DEPLOYMENT_REQUESTER, useClass: JiraDeploymentRequester },
        { provide: SecretValues, useExisting: EnvironmentsService },
        JiraGateway,
        JiraHealth,
        JiraFinalErrors,
        JiraBacklogSync,
        JiraStatusSync,
        JiraSprintLifecycle,
        SprintPlacement,
        JiraRequestFeedback,
        JiraWebhookService,
        JiraPollService,
        JiraPollJob,
        JiraEventJobs,
        JiraDriftReopen,
      ],
      // For the sprints API and the sprint review: read the board, start or close a sprint, schedule `jira:close-sprint`.
      // The schedules (src/schedules): reopen drifted stories.
      exports: [JiraSprintLifecycle, JiraGateway, JiraConfig, JiraDriftReopen],
    };
  }
}

import type { PrismaClient } from '@prisma/client';
import { JiraBacklogSync } from './backlog-sync.service.js';
import type { DeploymentRequester } from './deployment-requester.port.js';
import type { JiraConfig } from './jira.config.js';
import { JiraGateway, type JiraGatewayOptions } from './jira.gateway.js';
import { JiraPollService } from './jira-poll.service.js';
import { JiraStatusSync, type StatusSyncOptions } from './status-sync.service.js';
import { JiraWebhookService } from './webhook.service.js';

export interface JiraServices {
  gateway: JiraGateway;
  backlogSync: JiraBacklogSync;
  statusSync: JiraStatusSync;
  webhooks: JiraWebhookService;
  poll: JiraPollService;
}

/**
 * Builds the JIRA services from one config, for a Nest `useFactory` (or the demo). Nothing here
 * talks to JIRA until a method is called.
 */
export function createJiraServices(
  prisma: PrismaClient,
  config: JiraConfig,
  requester: DeploymentRequester,
  options: { gateway?: JiraGatewayOptions; statusSync?: StatusSyncOptions } = {},
): JiraServices {
  const gateway = new JiraGateway(config, options.gateway);
  return {
    gateway,
    backlogSync: new JiraBacklogSync(prisma, gateway, config),
    statusSync: new JiraStatusSync(prisma, gateway, config, options.statusSync),
    webhooks: new JiraWebhookService(prisma, config, requester),
    poll: new JiraPollService(prisma, gateway, config, requester),
  };
}

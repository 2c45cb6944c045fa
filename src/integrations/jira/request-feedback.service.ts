import { Injectable, Optional } from '@nestjs/common';
import { PublicLinks } from '../../config/public-url.js';
import type { DeploymentEvent } from '../../infra/events/deployment-events.js';
import { EVENTFUL_STEP } from '../../persistence/ledger-status.js';
import { DeploymentRepository } from '../../persistence/repositories/deployment.repository.js';
import { WebhookDeliveryRepository } from '../../persistence/repositories/webhook-delivery.repository.js';
import { JiraGateway } from './jira.gateway.js';
import { inPlaceComment } from './reopen-comment.js';

const JIRA_TRIGGERS = ['jira_webhook', 'jira_poll'];

/**
 * Answers the person who asked for a deployment from JIRA when it found everything in place: no
 * issue moves then (each is already where its steps say), so one comment on the request issue
 * is the only sign that the request was heard and done.
 */
@Injectable()
export class JiraRequestFeedback {
  constructor(
    private readonly deployments: DeploymentRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly gateway: JiraGateway,
    @Optional() private readonly publicLinks?: PublicLinks,
  ) {}

  /** The issue commented on, if any. */
  async onFinished(event: Extract<DeploymentEvent, { type: 'deployment.finished' }>): Promise<string | null> {
    if (event.dryRun || event.status !== 'succeeded') return null;
    const deployment = await this.deployments.find(event.deploymentId);
    if (!deployment || !JIRA_TRIGGERS.includes(deployment.trigger)) return null;
    if ((await this.deployments.countSteps(event.deploymentId, EVENTFUL_STEP)) > 0) return null;
    const issueKey = await this.deliveries.requestIssueOf(event.deploymentId);
    if (!issueKey) return null;
    await this.gateway.addComment(
      issueKey,
      inPlaceComment(
        event,
        await this.deployments.countSteps(event.deploymentId, ['ok']),
        this.publicLinks?.deployment(event.deploymentId),
      ),
    );
    return issueKey;
  }
}

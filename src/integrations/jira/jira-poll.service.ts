import { Inject, Injectable } from '@nestjs/common';
import { JiraConfig } from '../../config/jira-config.js';
import { WebhookDeliveryRepository } from '../../persistence/repositories/webhook-delivery.repository.js';
import { DEPLOYMENT_REQUESTER, type DeploymentRequester } from './deployment-requester.port.js';
import { JiraGateway } from './jira.gateway.js';
import { DEPLOY_REQUEST_LABEL, OPSPRINT_LABEL } from './jira-labels.js';
import { decideTrigger } from './webhook-decision.js';

export const JIRA_POLL_SOURCE = 'jira_poll';

export interface PollResult {
  requested: { issueKey: string; deploymentId: string }[];
  skipped: { issueKey: string; reason: string }[];
}

/**
 * Catches trigger transitions whose webhook never came (JiraPollJob runs it on a schedule). An issue in the trigger status is
 * requested unless a deployment was already requested for it since its last update (by the
 * webhook or an earlier poll); the poll row's key is issue + `updated`, so one state of the
 * issue triggers at most once even if the deployment never moves it on.
 */
@Injectable()
export class JiraPollService {
  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly gateway: JiraGateway,
    @Inject(JiraConfig) private readonly config: Pick<JiraConfig, 'projectKey' | 'triggerStatus'>,
    @Inject(DEPLOYMENT_REQUESTER) private readonly requester: DeploymentRequester,
  ) {}

  async pollOnce(): Promise<PollResult> {
    const jql = `project = "${this.config.projectKey}" AND status = "${this.config.triggerStatus.replace(/"/g, '\\"')}" AND labels in ("${OPSPRINT_LABEL}", "${DEPLOY_REQUEST_LABEL}") ORDER BY key ASC`;
    const issues = await this.gateway.search(jql, ['labels', 'status', 'issuetype', 'updated']);
    const result: PollResult = { requested: [], skipped: [] };
    for (const issue of issues) {
      const labels = issue.fields.labels ?? [];
      const decision = decideTrigger(
        {
          issueKey: issue.key,
          issueType: issue.fields.issuetype?.name ?? null,
          labels,
          statusChanges: [{ from: null, to: issue.fields.status?.name ?? '' }],
        },
        this.config.triggerStatus,
      );
      if (decision.kind === 'ignore') {
        result.skipped.push({ issueKey: issue.key, reason: decision.reason });
        continue;
      }
      const updated = typeof issue.fields.updated === 'string' ? issue.fields.updated : new Date(0).toISOString();
      if (await this.deliveries.requestedSince(issue.key, new Date(updated))) {
        result.skipped.push({ issueKey: issue.key, reason: 'a deployment was already requested for this state' });
        continue;
      }
      const claimed = await this.deliveries.claim({
        source: JIRA_POLL_SOURCE,
        deliveryKey: `jira-poll:${issue.key}:${updated}`,
        event: 'poll',
        outcome: 'requesting',
        detail: { issueKey: issue.key },
      });
      if (!claimed) {
        result.skipped.push({ issueKey: issue.key, reason: 'already polled in this state' });
        continue;
      }
      const requester = 'jira:poll';
      try {
        const { deploymentId } = await this.requester.request({
          environmentName: decision.environmentName,
          phases: decision.phases,
          trigger: 'jira_poll',
          requester,
          issueKey: issue.key,
          // The issue's last update is the latest the move into the trigger status can have been.
          transitionedAt: typeof issue.fields.updated === 'string' ? new Date(issue.fields.updated) : new Date(),
        });
        await this.deliveries.settle(
          claimed.id,
          'requested',
          { issueKey: issue.key, environmentName: decision.environmentName, phases: decision.phases ?? null },
          deploymentId,
        );
        result.requested.push({ issueKey: issue.key, deploymentId });
      } catch (error) {
        await this.deliveries.settle(claimed.id, 'request_failed', { issueKey: issue.key, error: (error as Error).message });
        result.skipped.push({ issueKey: issue.key, reason: `request failed: ${(error as Error).message}` });
      }
    }
    return result;
  }
}

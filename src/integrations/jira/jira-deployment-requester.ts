import { Injectable } from '@nestjs/common';
import { ConflictError } from '../../common/errors.js';
import { DeploymentsService } from '../../deployments/deployments.service.js';
import type { DeploymentRequest, DeploymentRequester } from './deployment-requester.port.js';

/**
 * JIRA's way into deployments. Creating only records the ledger and enqueues the first phases,
 * so the webhook still answers fast. A refusal (another deployment running, bad phase) is
 * thrown with its reason; the webhook and poll services record it against the delivery.
 */
@Injectable()
export class JiraDeploymentRequester implements DeploymentRequester {
  constructor(private readonly deployments: DeploymentsService) {}

  async request(request: DeploymentRequest): Promise<{ deploymentId: string }> {
    try {
      const created = await this.deployments.create({
        environment: request.environmentName,
        phases: request.phases,
        trigger: request.trigger,
        requester: `${request.requester} via ${request.issueKey}`,
        jiraTrigger: { issueKey: request.issueKey, transitionedAt: request.transitionedAt },
      });
      return { deploymentId: created.id };
    } catch (error) {
      if (error instanceof ConflictError) throw new Error(`409 conflict: ${error.message}`);
      throw error;
    }
  }

  async existing(request: DeploymentRequest): Promise<{ deploymentId: string } | null> {
    const deploymentId = await this.deployments.findByJiraTrigger({ issueKey: request.issueKey, transitionedAt: request.transitionedAt });
    return deploymentId ? { deploymentId } : null;
  }
}

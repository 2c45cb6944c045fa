/**
 * How JIRA asks for a deployment. Implemented by the deployments module: it enqueues and
 * answers at once; JIRA code never waits for a deployment to run.
 */
export interface DeploymentRequest {
  environmentName: string;
  /** Phase keys; absent = the whole runbook. */
  phases?: string[];
  trigger: 'jira_webhook' | 'jira_poll';
  requester: string;
  issueKey: string;
  /** When the issue moved into the trigger status: the start of the deployment's lead time. */
  transitionedAt: Date;
}

export interface DeploymentRequester {
  request(request: DeploymentRequest): Promise<{ deploymentId: string }>;
  /** The deployment an earlier `request` of the same transition created (its caller died before recording it), if any. */
  existing(request: DeploymentRequest): Promise<{ deploymentId: string } | null>;
}

export const DEPLOYMENT_REQUESTER = Symbol('DeploymentRequester');

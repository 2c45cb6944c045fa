/** The demo drives OpSprint through its public REST API, as a user's script would. */
export interface StepView {
  id: string;
  stepKey: string;
  storyKey: string;
  node: string;
  kind: string;
  title: string;
  status: string;
  exitCode: number | null;
  durationMs: number | null;
}

export interface PhaseView {
  phaseKey: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps: StepView[];
}

export interface DeploymentView {
  id: string;
  runbookKey: string;
  status: string;
  error: string | null;
  environment: string;
  dryRun: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  phaseRuns: PhaseView[];
}

export interface StepOutputView {
  command: string | null;
  stdout: string | null;
  stderr: string | null;
  exitCode: number | null;
  artifacts: { kind: string; name: string; content: string; data: { columns: string[]; rows: Record<string, string>[] } | null }[];
}

export interface SprintView {
  id: string;
  name: string;
  state: string;
  environment: string | null;
  deployments: number;
  reviewPageUrl: string | null;
  reviewPageVersion: number | null;
}

export class DemoApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, okStatuses = [200, 201]): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!okStatuses.includes(response.status)) {
      const reasons = parsed?.reasons ? `: ${parsed.reasons.join('; ')}` : parsed?.message ? `: ${parsed.message}` : '';
      throw new Error(`${method} ${path} answered ${response.status}${reasons}`);
    }
    return { status: response.status, body: parsed as T };
  }

  async upsertEnvironment(environment: { name: string } & Record<string, unknown>): Promise<void> {
    const existing = await this.call('GET', `/api/v1/environments/${environment.name}`, undefined, [200, 404]);
    if (existing.status === 404) await this.call('POST', '/api/v1/environments', environment);
    else {
      const { name, ...rest } = environment;
      await this.call('PUT', `/api/v1/environments/${name}`, rest);
    }
  }

  async listSprints(): Promise<SprintView[]> {
    return (await this.call<SprintView[]>('GET', '/api/v1/sprints')).body;
  }

  /** Closes the sprint: its review is published (when Confluence is on) and the JIRA sprint closed. */
  async closeSprint(id: string): Promise<SprintView> {
    return (await this.call<SprintView>('POST', `/api/v1/sprints/${id}/close`)).body;
  }

  /** Publishes the review and leaves the sprint open. */
  async publishReview(id: string): Promise<{ url: string; version: number }> {
    return (await this.call<{ url: string; version: number }>('POST', `/api/v1/sprints/${id}/publish`)).body;
  }

  async createDeployment(input: { environment: string; phases?: string[]; dryRun?: boolean }): Promise<DeploymentView> {
    return (await this.call<DeploymentView>('POST', '/api/v1/deployments', input)).body;
  }

  async cancelDeployment(id: string): Promise<void> {
    await this.call('POST', `/api/v1/deployments/${id}/cancel`, undefined, [200, 201]);
  }

  async getDeployment(id: string): Promise<DeploymentView> {
    return (await this.call<DeploymentView>('GET', `/api/v1/deployments/${id}`)).body;
  }

  async stepOutput(deploymentId: string, stepRunId: string): Promise<StepOutputView> {
    return (await this.call<StepOutputView>('GET', `/api/v1/deployments/${deploymentId}/steps/${stepRunId}/output`)).body;
  }

  async waitForDeployment(id: string, onChange: (deployment: DeploymentView) => void, timeoutMs = 30 * 60_000): Promise<DeploymentView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const deployment = await this.getDeployment(id);
      onChange(deployment);
      if (deployment.finishedAt) return deployment;
      if (Date.now() > deadline) throw new Error(`deployment ${id} did not finish within ${timeoutMs / 60_000} minutes`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

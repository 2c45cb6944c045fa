/**
 * The REST API's answers as the CLI reads them (see src/api). Declared here rather than imported:
 * the CLI is a client of the HTTP contract, not of the service's code.
 */
export type DeploymentStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type PhaseStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export type StepStatus = 'pending' | 'running' | 'ok' | 'changed' | 'would_change' | 'failed' | 'cancelled';

export interface StepView {
  id: string;
  storyKey: string;
  stepKey: string;
  node: string;
  kind: string;
  title: string;
  status: StepStatus;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface PhaseView {
  id: string;
  phaseKey: string;
  position: number;
  status: PhaseStatus;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  steps?: StepView[];
}

export interface DeploymentView {
  id: string;
  environment: string | { name: string };
  runbookKey: string;
  runbookVersion: string;
  phases: string[];
  trigger: string;
  requester: string;
  dryRun: boolean;
  status: DeploymentStatus;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  phaseRuns: PhaseView[];
}

export interface StepOutputView {
  id: string;
  title: string;
  node: string;
  status: StepStatus;
  guard: string | null;
  command: string | null;
  stdout: string | null;
  stderr: string | null;
  exitCode: number | null;
}

export interface EnvironmentView {
  name: string;
  description: string | null;
  nodes: { name: string; roles: string[]; managementIp: string; ssh: { host: string; port: number; user: string } }[];
  secrets: string[];
  updatedAt: string;
}

export interface RunbookSummaryView {
  key: string;
  version: string;
  title: string;
  phases: { key: string; title: string; dependsOn: string[]; on: string | string[]; stories: number }[];
}

export interface PreviewView {
  runbook: { key: string; version: string };
  environment: string;
  phases: { key: string; title: string; dependsOn: string[]; nodes: string[]; steps: unknown[] }[];
  text: string;
}

export interface TokenView {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  token?: string;
}

/** One line of the live log stream (`/deployments/:id/logs/stream`, default events). */
export interface LogLineView {
  phaseKey: string;
  node: string;
  stepKey: string;
  stream: 'stdout' | 'stderr' | 'status';
  line: string;
  at: string;
  /** A finished step's status line rebuilt from the ledger (sent first on every connection), not a live one. */
  replayed?: true;
}

export const environmentName = (deployment: DeploymentView): string =>
  typeof deployment.environment === 'string' ? deployment.environment : deployment.environment.name;

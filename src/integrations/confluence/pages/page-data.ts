import type { Phase } from '../../../runbooks/model.js';

/** What the page builders need, already loaded: pure data, no Prisma types. */
export type PhaseStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'not_run';
export type StepStatus = 'pending' | 'running' | 'ok' | 'changed' | 'would_change' | 'failed' | 'cancelled';

export interface NodeSummary {
  name: string;
  roles: string[];
  managementIp: string;
}

export interface DeploymentSummary {
  id: string;
  status: string;
  trigger: string;
  requester: string;
  dryRun: boolean;
  phases: string[];
  runbookVersion: string;
  createdAt: Date;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export interface PhaseRow {
  key: string;
  title: string;
  status: PhaseStatus;
  epicKey?: string;
  /** Title of the phase page, when there is one to link to. */
  pageTitle?: string;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  nodes: string[];
}

export interface RootPageData {
  environment: string;
  runbookTitle: string;
  nodes: NodeSummary[];
  phases: PhaseRow[];
  lastDeployment: DeploymentSummary;
  jiraBaseUrl?: string;
}

export interface StepRunView {
  storyKey: string;
  stepKey: string;
  position: number;
  node: string;
  kind: string;
  title: string;
  command?: string | null;
  /** The probe that decides whether the step is already done, apart from the command. */
  guard?: string | null;
  status: StepStatus;
  exitCode?: number | null;
  stdout?: string | null;
  stderr?: string | null;
  startedAt?: Date | null;
  durationMs?: number | null;
}

export interface FileArtifactView {
  storyKey?: string;
  stepKey?: string;
  node: string;
  path: string;
  language?: string | null;
  content: string;
}

export interface TableArtifactView {
  storyKey?: string;
  stepKey?: string;
  node: string;
  name: string;
  columns: string[];
  rows: Array<Record<string, string>>;
  /** Each expectation the verify step checked against the table, with its outcome. */
  expectations?: ExpectationView[];
}

export interface ExpectationView {
  name: string;
  expected: string;
  actual: string;
  passed: boolean;
}

export interface PhasePageData {
  environment: string;
  phase: Phase;
  status: PhaseStatus;
  rootTitle: string;
  deployment: DeploymentSummary;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  error?: string | null;
  epicKey?: string;
  storyIssueKeys: Record<string, string>;
  jiraBaseUrl?: string;
  nodes: NodeSummary[];
  steps: StepRunView[];
  files: FileArtifactView[];
  tables: TableArtifactView[];
}

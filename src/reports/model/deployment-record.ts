/**
 * What ran during the sprint, shaped like the deployment ledger in PostgreSQL
 * (Deployment → PhaseRun → one row per step attempt), with the JIRA keys and
 * Confluence page versions already resolved for the deployment's environment.
 */

export type DeploymentStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
/** The values of the DeploymentTrigger enum in the database. */
export type DeploymentTrigger = 'api' | 'jira_webhook' | 'jira_poll' | 'schedule' | 'demo';
export type PhaseRunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';
export type StepAttemptStatus = 'pending' | 'running' | 'ok' | 'changed' | 'would_change' | 'failed' | 'cancelled';

/** A version of a Confluence page, as published. */
export interface ConfluencePageVersion {
  url: string;
  version: number;
}

/** The JIRA transition that asked for the deployment (an epic moved to "Ready to deploy"). */
export interface JiraTrigger {
  issueKey: string;
  transitionedAt: Date;
}

export interface PhaseRunRecord {
  phaseKey: string;
  status: PhaseRunStatus;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** JIRA epic of the phase in this environment. */
  epicKey: string | null;
  /** The phase page version this run published, when it published one. */
  page: ConfluencePageVersion | null;
}

/** One attempt of one step on one node: a retried step has several, numbered from 1. */
export interface StepAttemptRecord {
  node: string;
  phaseKey: string;
  /** Runbook story key within the phase. */
  storyKey: string;
  /** JIRA issue key of that story in this environment, when it exists. */
  storyIssueKey: string | null;
  stepKey: string;
  stepTitle: string;
  attempt: number;
  status: StepAttemptStatus;
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  /** First line of the error output, secrets already masked. */
  firstErrorLine: string | null;
}

export interface DeploymentRecord {
  id: string;
  /** Environment name. */
  environment: string;
  trigger: DeploymentTrigger;
  /** Check mode: never counted as a deployment. */
  dryRun: boolean;
  requester: string;
  /** Set when the deployment was asked for by a JIRA transition; the start of its lead time. */
  jiraTrigger: JiraTrigger | null;
  status: DeploymentStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  phaseRuns: PhaseRunRecord[];
  stepAttempts: StepAttemptRecord[];
}

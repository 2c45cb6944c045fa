import type { ArtifactKind, DeploymentStatus, DeploymentTrigger, PhaseRunStatus, StepRunStatus } from '@prisma/client';

/**
 * The status values of the deployment ledger, written down once. Every other file that needs a
 * list of statuses imports it from here; the `satisfies` clauses keep these lists and the
 * database enums (prisma/schema.prisma) from drifting apart.
 */
export const DEPLOYMENT_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const satisfies readonly DeploymentStatus[];
export const PHASE_RUN_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
] as const satisfies readonly PhaseRunStatus[];
export const STEP_RUN_STATUSES = [
  'pending',
  'running',
  'ok',
  'changed',
  'would_change',
  'failed',
  'cancelled',
] as const satisfies readonly StepRunStatus[];
export const DEPLOYMENT_TRIGGERS = ['api', 'jira_webhook', 'jira_poll', 'schedule', 'demo'] as const satisfies readonly DeploymentTrigger[];

export const ARTIFACT_KINDS = ['rendered_file', 'verification_table', 'command_output'] as const satisfies readonly ArtifactKind[];

export type { ArtifactKind, DeploymentStatus, DeploymentTrigger, PhaseRunStatus, StepRunStatus };

/** A deployment in one of these holds its environment (one active deployment per environment). */
export const ACTIVE_DEPLOYMENT: readonly DeploymentStatus[] = ['queued', 'running'];
export const FINAL_DEPLOYMENT: readonly DeploymentStatus[] = ['succeeded', 'failed', 'cancelled'];
export const FINAL_PHASE: readonly PhaseRunStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped'];

/** A step in one of these is never run again: a resumed phase skips it. */
export const DONE_STEP: readonly StepRunStatus[] = ['ok', 'changed', 'would_change'];
/** A step that ran to an end (its status line can be replayed). */
export const FINISHED_STEP: readonly StepRunStatus[] = ['ok', 'changed', 'would_change', 'failed', 'cancelled'];
/** A step still to run or running. */
export const OPEN_STEP: readonly StepRunStatus[] = ['pending', 'running'];
/** Steps that changed, would change or broke something: a deployment with none of them changed nothing. */
export const EVENTFUL_STEP: readonly StepRunStatus[] = ['changed', 'failed', 'cancelled', 'would_change'];

export const isFinalDeployment = (status: string): boolean => (FINAL_DEPLOYMENT as readonly string[]).includes(status);
/**
 * A deployment the engine is done with. A cancel makes the status final at once, but the worker
 * still has to stop the running step and record it; finishedAt is set when it has (or when the
 * reconciler closed a deployment no worker holds any more).
 */
export const isClosedDeployment = (deployment: { status: string; finishedAt: Date | null }): boolean =>
  isFinalDeployment(deployment.status) && deployment.finishedAt !== null;
export const isDoneStep = (status: string): boolean => (DONE_STEP as readonly string[]).includes(status);

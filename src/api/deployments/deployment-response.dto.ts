import { ApiProperty } from '@nestjs/swagger';
import { isoDate, isoDateOrNull } from '../common/iso-date.js';
import { STEP_KINDS } from '../runbooks/runbook-response.dto.js';
import {
  ARTIFACT_KINDS,
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_TRIGGERS,
  PHASE_RUN_STATUSES,
  STEP_RUN_STATUSES,
} from '../../persistence/ledger-status.js';

type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
type PhaseRunStatus = (typeof PHASE_RUN_STATUSES)[number];
type StepRunStatus = (typeof STEP_RUN_STATUSES)[number];
type DeploymentTrigger = (typeof DEPLOYMENT_TRIGGERS)[number];
type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

const dateTime = { type: String, format: 'date-time' };
const optionalDateTime = { ...dateTime, nullable: true };

export class StepRunResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() storyKey: string;
  @ApiProperty() stepKey: string;
  @ApiProperty({ example: 'linux-node1.example.com' }) node: string;
  @ApiProperty({ enum: STEP_KINDS }) kind: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: STEP_RUN_STATUSES, description: 'would_change: a dry run found work to do' }) status: StepRunStatus;
  @ApiProperty({ type: 'integer', nullable: true }) exitCode: number | null;
  @ApiProperty({ type: 'integer', description: 'How many times the step was started' }) attempt: number;
  @ApiProperty(optionalDateTime) startedAt: string | null;
  @ApiProperty(optionalDateTime) finishedAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) durationMs: number | null;
}

export class PhaseRunSummaryResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'keystone' }) phaseKey: string;
  @ApiProperty({ type: 'integer', description: 'Order in the plan (dependencies first)' }) position: number;
  @ApiProperty({ enum: PHASE_RUN_STATUSES }) status: PhaseRunStatus;
  @ApiProperty({ type: 'integer', description: 'Retries of the phase so far' }) attempt: number;
  @ApiProperty(optionalDateTime) startedAt: string | null;
  @ApiProperty(optionalDateTime) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

const SYNC_STATES = ['in_sync', 'pending', 'failing', 'off'] as const;
type SyncStateValue = (typeof SYNC_STATES)[number];
const SYNC_STATE_DESCRIPTION =
  'in_sync: the configured site confirmed it; pending: its updates are queued or not written yet; failing: the last update failed (see reason); off: not configured';

export class JiraStoryLinkResponseDto {
  @ApiProperty({ example: 'install-packages' }) storyKey: string;
  @ApiProperty({ example: 'OPS-12' }) issueKey: string;
}

export class JiraPhaseSyncResponseDto {
  @ApiProperty({ enum: SYNC_STATES, description: SYNC_STATE_DESCRIPTION }) state: SyncStateValue;
  @ApiProperty({ required: false, example: 'OPS-11', description: 'Only when in_sync' }) epicKey?: string;
  @ApiProperty({ type: [JiraStoryLinkResponseDto], required: false, description: 'Only when in_sync' })
  stories?: JiraStoryLinkResponseDto[];
  @ApiProperty({ required: false }) reason?: string;
}

export class ConfluencePhaseSyncResponseDto {
  @ApiProperty({ enum: SYNC_STATES, description: SYNC_STATE_DESCRIPTION }) state: SyncStateValue;
  @ApiProperty({ required: false, description: 'The phase page, only when in_sync' }) pageUrl?: string;
  @ApiProperty({ type: 'integer', required: false, description: 'The page version this deployment left' }) version?: number;
  @ApiProperty({ required: false }) reason?: string;
}

export class PhaseRunResponseDto extends PhaseRunSummaryResponseDto {
  @ApiProperty({ type: [StepRunResponseDto], description: 'Per node, in order' }) steps: StepRunResponseDto[];
  @ApiProperty({
    type: JiraPhaseSyncResponseDto,
    required: false,
    description: 'The JIRA epic and stories of the phase (deployment detail only)',
  })
  jira?: JiraPhaseSyncResponseDto;
  @ApiProperty({
    type: ConfluencePhaseSyncResponseDto,
    required: false,
    description: 'The Confluence page of the phase (deployment detail only)',
  })
  confluence?: ConfluencePhaseSyncResponseDto;
}

class DeploymentFieldsDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'lab', description: 'Environment name' }) environment: string;
  @ApiProperty({ example: 'openstack-liberty' }) runbookKey: string;
  @ApiProperty() runbookVersion: string;
  @ApiProperty({ type: [String], description: 'Phase keys selected' }) phases: string[];
  @ApiProperty({ enum: DEPLOYMENT_TRIGGERS }) trigger: DeploymentTrigger;
  @ApiProperty({ description: 'Name of the API token (or JIRA user) that asked for it' }) requester: string;
  @ApiProperty({ description: 'Check mode: nothing is changed' }) dryRun: boolean;
  @ApiProperty({ enum: DEPLOYMENT_STATUSES }) status: DeploymentStatus;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty(dateTime) createdAt: string;
  @ApiProperty(optionalDateTime) startedAt: string | null;
  @ApiProperty(optionalDateTime) finishedAt: string | null;
}

/** A deployment in a list: its phase runs without their steps. */
export class DeploymentSummaryResponseDto extends DeploymentFieldsDto {
  @ApiProperty({ type: [PhaseRunSummaryResponseDto] }) phaseRuns: PhaseRunSummaryResponseDto[];
}

export class DeploymentResponseDto extends DeploymentFieldsDto {
  @ApiProperty({ type: [PhaseRunResponseDto] }) phaseRuns: PhaseRunResponseDto[];
}

export class ArtifactResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() phaseKey: string;
  @ApiProperty() node: string;
  @ApiProperty({ enum: ARTIFACT_KINDS }) kind: ArtifactKind;
  @ApiProperty({ description: 'File path or check title' }) name: string;
  @ApiProperty({ type: String, nullable: true, description: 'Language of a rendered file (ini, bash...)' }) language: string | null;
  @ApiProperty({ description: 'File content or command output, secrets masked' }) content: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'verification_table: the parsed table, { columns: string[], rows: { [column]: value }[] }',
  })
  data: unknown;
  @ApiProperty(dateTime) createdAt: string;
}

export class ExpectationOutcomeResponseDto {
  @ApiProperty({ description: "The runbook's description of the expectation, else what it wants" }) name: string;
  @ApiProperty({ example: 'a row with Host Name = "linux-node2.example.com", Service = "compute"' }) expected: string;
  @ApiProperty({ description: 'What the command output showed, secrets masked', example: 'found 5 rows' }) actual: string;
  @ApiProperty() passed: boolean;
}

export class StepOutputResponseDto extends StepRunResponseDto {
  @ApiProperty({ format: 'uuid' }) phaseRunId: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The guard (probe) that decides whether the step is already done: the step is skipped when it succeeds. Secrets masked',
  })
  guard: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The command as it ran, apart from the guard (change, uploads, restarts), secrets masked; null when only the guard ran',
  })
  command: string | null;
  @ApiProperty({ type: String, nullable: true }) stdout: string | null;
  @ApiProperty({ type: String, nullable: true }) stderr: string | null;
  @ApiProperty({ type: [ArtifactResponseDto] }) artifacts: ArtifactResponseDto[];
  @ApiProperty({
    type: [ExpectationOutcomeResponseDto],
    description: 'Verify steps: every expectation checked on the last attempt, with its outcome (empty for other steps)',
  })
  expectations: ExpectationOutcomeResponseDto[];
}

// What the deployments service answers, field by field: only these reach the client.
interface DeploymentRecord {
  id: string;
  runbookKey: string;
  runbookVersion: string;
  phases: string[];
  trigger: DeploymentTrigger;
  requester: string;
  dryRun: boolean;
  status: DeploymentStatus;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** The service's list includes the environment row's name; its get, the name itself. */
  environment: string | { name: string };
}
interface PhaseRunRecord {
  id: string;
  phaseKey: string;
  position: number;
  status: PhaseRunStatus;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
}
interface StepRunRecord {
  id: string;
  storyKey: string;
  stepKey: string;
  node: string;
  kind: string;
  title: string;
  status: StepRunStatus;
  exitCode: number | null;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}
interface ArtifactRecord {
  id: string;
  phaseKey: string;
  node: string;
  kind: ArtifactKind;
  name: string;
  language: string | null;
  content: string;
  data: unknown;
  createdAt: Date;
}

function toDeploymentFields(deployment: DeploymentRecord): DeploymentFieldsDto {
  return {
    id: deployment.id,
    environment: typeof deployment.environment === 'string' ? deployment.environment : deployment.environment.name,
    runbookKey: deployment.runbookKey,
    runbookVersion: deployment.runbookVersion,
    phases: [...deployment.phases],
    trigger: deployment.trigger,
    requester: deployment.requester,
    dryRun: deployment.dryRun,
    status: deployment.status,
    error: deployment.error,
    createdAt: isoDate(deployment.createdAt),
    startedAt: isoDateOrNull(deployment.startedAt),
    finishedAt: isoDateOrNull(deployment.finishedAt),
  };
}

function toPhaseRunSummary(phase: PhaseRunRecord): PhaseRunSummaryResponseDto {
  return {
    id: phase.id,
    phaseKey: phase.phaseKey,
    position: phase.position,
    status: phase.status,
    attempt: phase.attempt,
    startedAt: isoDateOrNull(phase.startedAt),
    finishedAt: isoDateOrNull(phase.finishedAt),
    error: phase.error,
  };
}

function toStepRunResponse(step: StepRunRecord): StepRunResponseDto {
  return {
    id: step.id,
    storyKey: step.storyKey,
    stepKey: step.stepKey,
    node: step.node,
    kind: step.kind,
    title: step.title,
    status: step.status,
    exitCode: step.exitCode,
    attempt: step.attempt,
    startedAt: isoDateOrNull(step.startedAt),
    finishedAt: isoDateOrNull(step.finishedAt),
    durationMs: step.durationMs,
  };
}

export function toDeploymentSummaryResponse(deployment: DeploymentRecord & { phaseRuns: PhaseRunRecord[] }): DeploymentSummaryResponseDto {
  return { ...toDeploymentFields(deployment), phaseRuns: deployment.phaseRuns.map(toPhaseRunSummary) };
}

interface PhaseSyncRecord {
  jira: { state: SyncStateValue; epicKey?: string; stories?: { storyKey: string; issueKey: string }[]; reason?: string };
  confluence: { state: SyncStateValue; pageUrl?: string; version?: number; reason?: string };
}

/** `sync`: per phase key, what JIRA and Confluence confirmed (the detail answer; create, cancel and retry leave it out). */
export function toDeploymentResponse(
  deployment: DeploymentRecord & { phaseRuns: (PhaseRunRecord & { steps: StepRunRecord[] })[] },
  sync?: Map<string, PhaseSyncRecord>,
): DeploymentResponseDto {
  return {
    ...toDeploymentFields(deployment),
    phaseRuns: deployment.phaseRuns.map((phase) => {
      const state = sync?.get(phase.phaseKey);
      return {
        ...toPhaseRunSummary(phase),
        steps: phase.steps.map(toStepRunResponse),
        ...(state
          ? {
              jira: {
                state: state.jira.state,
                ...(state.jira.epicKey !== undefined ? { epicKey: state.jira.epicKey } : {}),
                ...(state.jira.stories ? { stories: state.jira.stories.map(({ storyKey, issueKey }) => ({ storyKey, issueKey })) } : {}),
                ...(state.jira.reason !== undefined ? { reason: state.jira.reason } : {}),
              },
              confluence: {
                state: state.confluence.state,
                ...(state.confluence.pageUrl !== undefined ? { pageUrl: state.confluence.pageUrl } : {}),
                ...(state.confluence.version !== undefined ? { version: state.confluence.version } : {}),
                ...(state.confluence.reason !== undefined ? { reason: state.confluence.reason } : {}),
              },
            }
          : {}),
      };
    }),
  };
}

export function toStepOutputResponse(
  step: StepRunRecord & {
    phaseRunId: string;
    guard: string | null;
    command: string | null;
    stdout: string | null;
    stderr: string | null;
    artifacts: ArtifactRecord[];
  },
): StepOutputResponseDto {
  return {
    ...toStepRunResponse(step),
    phaseRunId: step.phaseRunId,
    guard: step.guard,
    command: step.command,
    stdout: step.stdout,
    stderr: step.stderr,
    expectations: step.artifacts.flatMap((artifact) => (artifact.kind === 'verification_table' ? expectationsOf(artifact.data) : [])),
    artifacts: step.artifacts.map((artifact) => ({
      id: artifact.id,
      phaseKey: artifact.phaseKey,
      node: artifact.node,
      kind: artifact.kind,
      name: artifact.name,
      language: artifact.language,
      content: artifact.content,
      data: artifact.data ?? null,
      createdAt: isoDate(artifact.createdAt),
    })),
  };
}

/** The expectation outcomes stored with a verification table (older rows have none). */
function expectationsOf(data: unknown): ExpectationOutcomeResponseDto[] {
  const list = (data as { expectations?: unknown } | null)?.expectations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: Record<string, unknown>) =>
    item && typeof item.name === 'string' && typeof item.expected === 'string' && typeof item.actual === 'string'
      ? [{ name: item.name, expected: item.expected, actual: item.actual, passed: item.passed === true }]
      : [],
  );
}

import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { JsonValue, PhaseDriftRecord, ScheduleRunRecord } from '../../persistence/records.js';
import type { ScheduleView } from '../../schedules/schedules.service.js';
import { isoDate, isoDateOrNull } from '../common/iso-date.js';
import { RUN_OUTCOMES, SCHEDULE_KINDS } from './schedule.dto.js';

const dateTime = { type: String, format: 'date-time' };
const optionalDateTime = { ...dateTime, nullable: true };

export class ScheduleRunResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The firing (BullMQ job id): one row per firing, whichever process ran it' }) fireKey: string;
  @ApiProperty(dateTime) firedAt: string;
  @ApiProperty(optionalDateTime) finishedAt: string | null;
  @ApiProperty({ enum: RUN_OUTCOMES, description: 'skipped: the firing did nothing, and `reason` says why' }) outcome: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The deployment it started' }) deploymentId: string | null;
  @ApiProperty({ nullable: true, description: 'Per environment, what a drift check started or skipped' }) detail: JsonValue | null;
}

export class DeploymentScheduleResponseDto {
  @ApiProperty({ example: 'lab' }) environment: string;
  @ApiProperty({ example: 'nightly' }) name: string;
  @ApiProperty({ example: 'openstack-liberty' }) runbook: string;
  @ApiProperty({ type: [String], description: 'Empty: every phase' }) phases: string[];
  @ApiProperty() dryRun: boolean;
  @ApiProperty() createdBy: string;
  @ApiProperty(dateTime) createdAt: string;
  @ApiProperty(dateTime) updatedAt: string;
}

@ApiExtraModels(ScheduleRunResponseDto, DeploymentScheduleResponseDto)
export class ScheduleResponseDto {
  @ApiProperty({ description: 'Built-in schedule name, or the deployment schedule id' }) key: string;
  @ApiProperty({ enum: SCHEDULE_KINDS }) kind: string;
  @ApiProperty({ example: '30 2 * * 1-5' }) cron: string;
  @ApiProperty({ example: 'UTC' }) timezone: string;
  @ApiProperty({ description: "The schedule's own switch" }) enabled: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Why it does not fire (null: it does)' }) off: string | null;
  @ApiProperty(optionalDateTime) nextRunAt: string | null;
  // oneOf + nullable: a $ref with nullable beside it is not null-able in OpenAPI 3.0.
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(ScheduleRunResponseDto) }], nullable: true, description: 'The latest firing' })
  lastRun: ScheduleRunResponseDto | null;
  @ApiProperty({
    oneOf: [{ $ref: getSchemaPath(DeploymentScheduleResponseDto) }],
    nullable: true,
    description: 'Deployment schedules only',
  })
  deployment: DeploymentScheduleResponseDto | null;
}

export class ScheduleRunStartedResponseDto {
  @ApiProperty({ description: 'The firing job; its run appears under /runs when a worker takes it' }) jobId: string;
}

export class DriftFindingResponseDto {
  @ApiProperty() storyKey: string;
  @ApiProperty() stepKey: string;
  @ApiProperty() node: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: 'would_change' }) status: string;
  @ApiProperty({ required: false, description: 'What a verification saw (masked)' }) note?: string;
}

export class PhaseDriftResponseDto {
  @ApiProperty({ example: 'openstack-liberty' }) runbook: string;
  @ApiProperty({ example: 'base' }) phaseKey: string;
  @ApiProperty({ description: 'The last check found steps of this phase no longer as the runbook left them' }) drifted: boolean;
  @ApiProperty({ type: [DriftFindingResponseDto] }) findings: DriftFindingResponseDto[];
  @ApiProperty(optionalDateTime) driftedSince: string | null;
  @ApiProperty(dateTime) checkedAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The check-mode deployment that last looked' })
  checkDeploymentId: string | null;
  @ApiProperty(optionalDateTime) clearedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The deployment that found it holding again' }) clearedBy: string | null;
}

export class EnvironmentDriftResponseDto {
  @ApiProperty({ example: 'lab' }) environment: string;
  @ApiProperty({ description: 'Any phase drifted' }) drifted: boolean;
  @ApiProperty({ type: [PhaseDriftResponseDto], description: 'Phases the drift check has looked at' }) phases: PhaseDriftResponseDto[];
}

export function toScheduleRunResponse(run: ScheduleRunRecord): ScheduleRunResponseDto {
  return {
    id: run.id,
    fireKey: run.fireKey,
    firedAt: isoDate(run.firedAt),
    finishedAt: isoDateOrNull(run.finishedAt),
    outcome: run.outcome,
    reason: run.reason,
    deploymentId: run.deploymentId,
    detail: (run.detail as JsonValue | null) ?? null,
  };
}

export function toScheduleResponse(view: ScheduleView): ScheduleResponseDto {
  const d = view.deployment;
  return {
    key: view.key,
    kind: view.kind,
    cron: view.cron,
    timezone: view.timezone,
    enabled: view.enabled,
    off: view.off,
    nextRunAt: isoDateOrNull(view.nextRunAt),
    lastRun: view.lastRun ? toScheduleRunResponse(view.lastRun) : null,
    deployment: d
      ? {
          environment: d.environment.name,
          name: d.name,
          runbook: d.runbookKey,
          phases: d.phases,
          dryRun: d.dryRun,
          createdBy: d.createdBy,
          createdAt: isoDate(d.createdAt),
          updatedAt: isoDate(d.updatedAt),
        }
      : null,
  };
}

export function toPhaseDriftResponse(row: PhaseDriftRecord): PhaseDriftResponseDto {
  return {
    runbook: row.runbookKey,
    phaseKey: row.phaseKey,
    drifted: row.drifted,
    findings: row.drifted && Array.isArray(row.findings) ? (row.findings as unknown as DriftFindingResponseDto[]) : [],
    driftedSince: isoDateOrNull(row.driftedSince),
    checkedAt: isoDate(row.checkedAt),
    checkDeploymentId: row.checkDeploymentId,
    clearedAt: isoDateOrNull(row.clearedAt),
    clearedBy: row.clearedBy,
  };
}

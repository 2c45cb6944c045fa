import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FileLanguage, NodeRole, Step, TableFormat } from '../../runbooks/model.js';

// Shapes only; runbook-views.ts builds them from the runbook and the plan.

const NODE_ROLES = ['controller', 'compute'] satisfies NodeRole[];
export const STEP_KINDS = ['command', 'file', 'service', 'verify'] satisfies Step['kind'][];
const TABLE_FORMATS = ['table', 'fieldValue', 'ports'] satisfies TableFormat[];
const FILE_LANGUAGES = ['ini', 'bash', 'apache', 'conf', 'text'] satisfies FileLanguage[];

class RunbookHeaderDto {
  @ApiProperty({ example: 'openstack-liberty' }) key: string;
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty() title: string;
}

class PhaseHeaderDto {
  @ApiProperty({ example: 'keystone', description: 'Stable key; the JIRA epic label' }) key: string;
  @ApiProperty() title: string;
  @ApiProperty() goal: string;
  @ApiProperty({ type: [String], description: 'Phases that must have succeeded first' }) dependsOn: string[];
  @ApiProperty({ enum: NODE_ROLES, isArray: true, description: 'Node roles the phase runs on' }) on: string[];
}

export class VerifyRetryDto {
  @ApiProperty({ type: 'integer', description: 'How many times the check runs before it fails' }) attempts: number;
  @ApiProperty({ type: 'integer', description: 'Pause between attempts' }) intervalMs: number;
}

export class PhaseSummaryResponseDto extends PhaseHeaderDto {
  @ApiProperty({ type: 'integer', description: 'Number of stories (JIRA stories) in the phase' }) stories: number;
}

export class RunbookSummaryResponseDto extends RunbookHeaderDto {
  @ApiProperty({ type: [PhaseSummaryResponseDto] }) phases: PhaseSummaryResponseDto[];
}

/** One step as written in the runbook; the fields after `on` depend on the kind. */
export class RunbookStepResponseDto {
  @ApiProperty() key: string;
  @ApiProperty({ enum: STEP_KINDS }) kind: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ enum: NODE_ROLES, description: 'Runs on this role instead of the phase roles' }) on?: string;
  @ApiPropertyOptional({ description: 'file: where it is written' }) path?: string;
  @ApiPropertyOptional({ enum: FILE_LANGUAGES, description: 'file' }) language?: string;
  @ApiPropertyOptional({ example: '0640', description: 'file' }) mode?: string;
  @ApiPropertyOptional({ description: 'file' }) owner?: string;
  @ApiPropertyOptional({ description: 'file' }) group?: string;
  @ApiPropertyOptional({ type: [String], description: 'file: services restarted when it changed' }) notify?: string[];
  @ApiPropertyOptional({ type: [String], description: 'service' }) services?: string[];
  @ApiPropertyOptional({ enum: ['started', 'restarted'], description: 'service' }) state?: string;
  @ApiPropertyOptional({ description: 'service' }) enabled?: boolean;
  @ApiPropertyOptional({ enum: TABLE_FORMATS, description: 'verify: how the output is parsed' }) format?: string;
  @ApiPropertyOptional({ type: [String], description: 'verify: what the parsed table must show' }) expectations?: string[];
  @ApiPropertyOptional({ type: VerifyRetryDto, description: 'verify: polled until true' }) retry?: VerifyRetryDto;
}

export class StoryResponseDto {
  @ApiProperty() key: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'As an operator I want … so that …' }) userStory: string;
  @ApiProperty({ type: [String] }) acceptanceCriteria: string[];
  @ApiProperty({ type: [RunbookStepResponseDto] }) steps: RunbookStepResponseDto[];
}

export class PhaseDetailResponseDto extends PhaseHeaderDto {
  @ApiProperty({ type: [StoryResponseDto] }) stories: StoryResponseDto[];
}

export class RunbookDetailResponseDto extends RunbookHeaderDto {
  @ApiProperty({ type: [PhaseDetailResponseDto] }) phases: PhaseDetailResponseDto[];
}

export class PreviewFileDto {
  @ApiProperty() path: string;
  @ApiProperty({ description: 'Rendered content, secrets masked' }) content: string;
  @ApiProperty({
    description:
      'SHA-256 of the rendered content (an unchanged file is left alone); for a file holding a secret, of the content with its secrets masked, since a plain hash would let anyone guess the secret offline',
  })
  sha256: string;
  @ApiProperty() mode: string;
  @ApiProperty() owner: string;
  @ApiProperty() group: string;
  @ApiProperty({ enum: FILE_LANGUAGES }) language: string;
  @ApiProperty({ type: [String] }) notify: string[];
}

export class PreviewVerifyDto {
  @ApiProperty({ enum: TABLE_FORMATS }) format: string;
  @ApiProperty({ type: [String] }) expectations: string[];
  @ApiPropertyOptional({ type: VerifyRetryDto }) retry?: VerifyRetryDto;
}

/** A step made concrete for one node, as it would run. */
export class PreviewStepDto {
  @ApiProperty({ example: 'linux-node1.example.com' }) node: string;
  @ApiProperty() storyKey: string;
  @ApiProperty() key: string;
  @ApiProperty({ type: 'integer', description: 'Order within the phase on this node' }) position: number;
  @ApiProperty({ enum: STEP_KINDS }) kind: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ description: 'Probe: exit 0 means already done (secrets masked)' }) guard?: string;
  @ApiPropertyOptional({ description: 'The command that makes the change (secrets masked)' }) run?: string;
  @ApiPropertyOptional({ type: PreviewFileDto }) file?: PreviewFileDto;
  @ApiPropertyOptional({ type: PreviewVerifyDto }) verify?: PreviewVerifyDto;
}

export class PreviewPhaseDto {
  @ApiProperty() key: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) dependsOn: string[];
  @ApiProperty({ type: [String], description: 'Node names the phase touches' }) nodes: string[];
  @ApiProperty({ type: [PreviewStepDto] }) steps: PreviewStepDto[];
}

export class PreviewRunbookDto {
  @ApiProperty() key: string;
  @ApiProperty() version: string;
}

export class RunbookPreviewResponseDto {
  @ApiProperty({ type: PreviewRunbookDto }) runbook: PreviewRunbookDto;
  @ApiProperty({ example: 'lab' }) environment: string;
  @ApiProperty({ type: [PreviewPhaseDto], description: 'In the order they would run' }) phases: PreviewPhaseDto[];
  @ApiProperty({ description: 'The same plan as plain text, for reading in a terminal' }) text: string;
}

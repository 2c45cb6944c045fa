import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { BUILT_IN_KEYS } from '../../schedules/schedule-keys.js';
import { PhaseKeysField, RunbookKeyField } from '../common/runbook-fields.js';
import { SLUG, SLUG_RULE } from '../common/slug.js';

const CRON_DOC = 'Five fields: minute hour day-of-month month day-of-week (numbers, *, a-b, a,b, */n, month and day names)';
const TZ_DOC = 'IANA time zone the expression is read in (default UTC), e.g. Europe/Paris';
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
const NAME_RULE = "letters, digits, spaces, '.', '_' and '-' (at most 63, starting with a letter or digit)";

export class CreateScheduleDto {
  @ApiProperty({ example: 'lab', description: 'Environment to deploy to', pattern: SLUG.source })
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment: string;

  @ApiProperty({ example: 'nightly', description: 'Unique per environment' })
  @IsString()
  @Matches(NAME, { message: `name must be ${NAME_RULE}` })
  name: string;

  @ApiProperty({ example: '30 2 * * 1-5', description: CRON_DOC })
  @IsString()
  @MaxLength(200)
  cron: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: TZ_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @RunbookKeyField()
  runbook?: string;

  @PhaseKeysField('Phase keys to run (default: all)')
  phases?: string[];

  @ApiPropertyOptional({ description: 'Check mode: each firing only reports what would change' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'The off switch (default true: on)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateScheduleDto {
  @ApiPropertyOptional({ example: 'nightly' })
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: `name must be ${NAME_RULE}` })
  name?: string;

  @ApiPropertyOptional({ example: '30 2 * * 1-5', description: CRON_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: TZ_DOC })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;

  @ApiPropertyOptional({ example: ['base'], description: 'Phase keys to run ([]: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SLUG, { each: true, message: `phases must list phase keys, each ${SLUG_RULE}` })
  phases?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ description: 'The off switch' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class ScheduleIdParams {
  @ApiProperty({ format: 'uuid', description: 'Deployment schedule id' })
  @IsUUID()
  id: string;
}

/** A built-in schedule's name or a deployment schedule's id. */
export class ScheduleKeyParams {
  @ApiProperty({ description: `${BUILT_IN_KEYS.join(', ')}, or a deployment schedule id (uuid)` })
  @ValidateIf((params: ScheduleKeyParams) => !(BUILT_IN_KEYS as string[]).includes(params.key))
  @IsUUID('all', { message: `key must be one of ${BUILT_IN_KEYS.join(', ')} or a schedule id (uuid)` })
  key: string;
}

export class ListSchedulesQueryDto {
  @ApiPropertyOptional({ description: 'Only the deployment schedules of this environment', pattern: SLUG.source })
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment?: string;
}

export class ScheduleRunsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export const SCHEDULE_KINDS = [...BUILT_IN_KEYS, 'deployment'] as const;
export const RUN_OUTCOMES = ['running', 'done', 'skipped', 'failed'] as const;

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../../persistence/ledger-status.js';
import { PhaseKeysField, RunbookKeyField } from '../common/runbook-fields.js';
import { SLUG, SLUG_RULE } from '../common/slug.js';

export class CreateDeploymentDto {
  @ApiProperty({ example: 'lab', description: 'Name of the environment to deploy to', pattern: SLUG.source })
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment: string;

  @RunbookKeyField()
  runbook?: string;

  @PhaseKeysField('Phase keys to run (default: all); dependencies are not added')
  phases?: string[];

  @ApiPropertyOptional({ description: 'Check mode: probe and report what would change, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ListDeploymentsQueryDto {
  @ApiPropertyOptional({ description: 'Environment name', pattern: SLUG.source })
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment?: string;

  @ApiPropertyOptional({ enum: DEPLOYMENT_STATUSES })
  @IsOptional()
  @IsIn(DEPLOYMENT_STATUSES)
  status?: DeploymentStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class DeploymentIdParams {
  @ApiProperty({ format: 'uuid', description: 'Deployment id' })
  @IsUUID()
  id: string;
}

export class StepOutputParams extends DeploymentIdParams {
  @ApiProperty({ format: 'uuid', description: 'Step run id (phaseRuns[].steps[].id of the deployment)' })
  @IsUUID()
  stepRunId: string;
}

import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../../persistence/ledger-status.js';

export class CreateDeploymentDto {
  @ApiProperty({ example: 'lab', description: 'Name of the environment to deploy to' })
  @IsString()
  environment: string;

  @ApiPropertyOptional({ example: 'openstack-liberty', description: 'Runbook key (default openstack-liberty)' })
  @IsOptional()
  @IsString()
  runbook?: string;

  @ApiPropertyOptional({ example: ['base', 'mariadb'], description: 'Phase keys to run (default: all); dependencies are not added' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  phases?: string[];

  @ApiPropertyOptional({ description: 'Check mode: probe and report what would change, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}

export class ListDeploymentsQueryDto {
  @ApiPropertyOptional({ description: 'Environment name' })
  @IsOptional()
  @IsString()
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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { SLUG, SLUG_RULE } from '../common/slug.js';

export class CreateSprintDto {
  @ApiProperty({ example: 'Sprint 7', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: 'Keystone and Glance on the lab cloud', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  goal?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Default: now (the sprint starts at once); later: the sprint is future until then',
  })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  startAt?: Date;

  @ApiProperty({ format: 'date-time', description: 'Planned end' })
  @Type(() => Date)
  @IsDate()
  endAt: Date;

  @ApiPropertyOptional({
    example: 'lab',
    description: 'The environment the sprint deploys; its runbook stories are the committed backlog',
    pattern: SLUG.source,
  })
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment?: string;

  @ApiPropertyOptional({ example: ['keystone', 'glance'], description: 'Phases whose stories are committed (default: all)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SLUG, { each: true, message: `phases must list phase keys, each ${SLUG_RULE}` })
  phases?: string[];

  @ApiPropertyOptional({ example: 'openstack-liberty', description: 'Runbook key (default openstack-liberty)', pattern: SLUG.source })
  @IsOptional()
  @IsString()
  @Matches(SLUG, { message: `runbook must be ${SLUG_RULE}` })
  runbook?: string;
}

export class SprintIdParams {
  @ApiProperty({ format: 'uuid', description: 'Sprint id' })
  @IsUUID()
  id: string;
}

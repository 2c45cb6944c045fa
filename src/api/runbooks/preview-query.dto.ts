import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { SLUG, SLUG_RULE } from '../common/slug.js';

export class RunbookKeyParams {
  @ApiProperty({ example: 'openstack-liberty', pattern: SLUG.source, description: 'Runbook key' })
  @Matches(SLUG, { message: `key must be ${SLUG_RULE}` })
  key: string;
}

export class PreviewQueryDto {
  @ApiProperty({ description: 'Name of the environment to render the plan for', example: 'lab', pattern: SLUG.source })
  @IsString()
  @Matches(SLUG, { message: `environment must be ${SLUG_RULE}` })
  environment: string;

  @ApiPropertyOptional({ description: 'Comma-separated phase keys (default: every phase)', example: 'base,mariadb', type: String })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          // Spaces only: a line break or other control character must reach validation and be refused.
          .map((s) => s.replace(/^ +| +$/g, ''))
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(SLUG, { each: true, message: `phases must list phase keys, each ${SLUG_RULE}` })
  phases?: string[];
}

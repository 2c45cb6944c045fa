import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { SLUG, SLUG_RULE } from './slug.js';

/** An optional runbook key, as deployments and schedules take it. */
export function RunbookKeyField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: 'openstack-liberty', description: 'Runbook key (default openstack-liberty)', pattern: SLUG.source }),
    IsOptional(),
    IsString(),
    Matches(SLUG, { message: `runbook must be ${SLUG_RULE}` }),
  );
}

/** An optional list of phase keys (default: all phases). */
export function PhaseKeysField(description = 'Phase keys to run (default: all)'): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: ['base', 'mariadb'], description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(100),
    IsString({ each: true }),
    Matches(SLUG, { each: true, message: `phases must list phase keys, each ${SLUG_RULE}` }),
  );
}

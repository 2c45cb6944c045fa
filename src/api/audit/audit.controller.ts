import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { AuditEventRecord } from '../../persistence/records.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { isoDate } from '../common/iso-date.js';

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'deployment.create' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ example: 'ops-admin', description: 'Token name or component' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;
  @ApiPropertyOptional({ format: 'date-time', description: 'Events before this time (the `nextBefore` of the previous page)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AuditEventResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, format: 'date-time' }) at: string;
  @ApiProperty() actor: string;
  @ApiProperty() action: string;
  @ApiProperty({ type: String, nullable: true }) target: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Never carries secret values' })
  detail: unknown;
}

export class AuditPageResponseDto {
  @ApiProperty({ type: [AuditEventResponseDto], description: 'Newest first' }) items: AuditEventResponseDto[];
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Pass as `before` for the next (older) page; null on the last',
  })
  nextBefore: string | null;
}

const toAuditEvent = (event: AuditEventRecord): AuditEventResponseDto => ({
  id: event.id,
  at: isoDate(event.at),
  actor: event.actor,
  action: event.action,
  target: event.target,
  detail: event.detail ?? null,
});

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiRoute({
    summary: 'Read the audit log',
    description: 'Who (or which component) did what to what, newest first, paged backwards in time.',
    role: 'admin',
    badRequest: 'A filter that is not valid (dates, limit 1-500)',
  })
  @ApiOkResponse({ type: AuditPageResponseDto })
  async list(@Query() query: AuditQueryDto): Promise<AuditPageResponseDto> {
    const limit = query.limit ?? 100;
    const events = await this.audit.list({ ...query, limit: limit + 1 });
    const page = events.slice(0, limit);
    return { items: page.map(toAuditEvent), nextBefore: events.length > limit ? isoDate(page[page.length - 1].at) : null };
  }
}

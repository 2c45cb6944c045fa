import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsOptional, IsString } from 'class-validator';
import { RUNBOOK_CATALOG } from '../../app/tokens.js';
import type { RunbookCatalog } from '../../runbooks/catalog.js';
import { RunbookPreviewService } from './runbook-preview.service.js';
import { runbookDetail, runbookSummary } from './runbook-views.js';

export class PreviewQueryDto {
  @ApiProperty({ description: 'Name of the environment to render the plan for', example: 'lab' })
  @IsString()
  environment: string;

  @ApiPropertyOptional({ description: 'Comma-separated phase keys (default: every phase)', example: 'base,mariadb', type: String })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value))
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  phases?: string[];
}

@ApiTags('runbooks')
@ApiBearerAuth()
@Controller('api/v1/runbooks')
export class RunbooksController {
  constructor(
    @Inject(RUNBOOK_CATALOG) private readonly catalog: RunbookCatalog,
    private readonly previews: RunbookPreviewService,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Every runbook with its phases (key, title, goal, dependsOn, on, story count)' })
  list() {
    return [...this.catalog.values()].map(runbookSummary);
  }

  @Get(':key')
  @ApiOkResponse({ description: 'Phases → stories → steps of one runbook' })
  get(@Param('key') key: string) {
    return runbookDetail(this.previews.runbook(key));
  }

  @Get(':key/preview')
  @ApiOkResponse({ description: 'The rendered plan for an environment: commands, file contents and checks per node, secrets masked' })
  preview(@Param('key') key: string, @Query() query: PreviewQueryDto) {
    return this.previews.preview(key, query.environment, query.phases);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { PreviewQueryDto, RunbookKeyParams } from './preview-query.dto.js';
import { RunbookPreviewService } from './runbook-preview.service.js';
import { RunbookDetailResponseDto, RunbookPreviewResponseDto, RunbookSummaryResponseDto } from './runbook-response.dto.js';
import { toRunbookDetailResponse, toRunbookSummaryResponse } from './runbook-views.js';

@ApiTags('runbooks')
@Controller('api/v1/runbooks')
export class RunbooksController {
  constructor(
    private readonly catalog: RunbookCatalog,
    private readonly previews: RunbookPreviewService,
  ) {}

  @Get()
  @ApiRoute({ summary: 'List runbooks', description: 'Every runbook this build ships, with its phases (JIRA epics).', role: 'viewer' })
  @ApiOkResponse({ type: [RunbookSummaryResponseDto] })
  list(): RunbookSummaryResponseDto[] {
    return [...this.catalog.values()].map(toRunbookSummaryResponse);
  }

  @Get(':key')
  @ApiRoute({
    summary: 'Get a runbook',
    description: 'Phases → stories → steps as written; commands and file contents are rendered per environment by the preview.',
    role: 'viewer',
    badRequest: 'The key is not a valid runbook key',
    notFound: 'No runbook has this key',
  })
  @ApiOkResponse({ type: RunbookDetailResponseDto })
  get(@Param() params: RunbookKeyParams): RunbookDetailResponseDto {
    return toRunbookDetailResponse(this.previews.runbook(params.key));
  }

  @Get(':key/preview')
  @ApiRoute({
    summary: 'Preview a deployment plan',
    description: 'The rendered plan for an environment: commands, file contents and checks per node, secrets masked. Changes nothing.',
    role: 'viewer',
    badRequest: 'A missing or unknown environment, an unknown phase, a missing dependency or a template that cannot be rendered',
    notFound: 'No runbook has this key',
  })
  @ApiOkResponse({ type: RunbookPreviewResponseDto })
  preview(@Param() params: RunbookKeyParams, @Query() query: PreviewQueryDto): Promise<RunbookPreviewResponseDto> {
    return this.previews.preview(params.key, query.environment, query.phases);
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RunbookCatalog } from '../../runbooks/catalog.js';
import { PreviewQueryDto } from './preview-query.dto.js';
import { RunbookPreviewService } from './runbook-preview.service.js';
import { runbookDetail, runbookSummary } from './runbook-views.js';

@ApiTags('runbooks')
@ApiBearerAuth()
@Controller('api/v1/runbooks')
export class RunbooksController {
  constructor(
    private readonly catalog: RunbookCatalog,
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

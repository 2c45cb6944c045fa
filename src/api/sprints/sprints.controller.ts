import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceUnavailableError } from '../../common/errors.js';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../../auth/principal.js';
import { SprintReviewService } from '../../reports/sprint-review.service.js';
import { SprintsService } from '../../reports/sprints.service.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { CreateSprintDto, SprintIdParams } from './sprint.dto.js';
import {
  PublishedReviewResponseDto,
  SprintReportResponseDto,
  SprintResponseDto,
  toPublishedReviewResponse,
  toSprintReportResponse,
  toSprintResponse,
} from './sprint-response.dto.js';

const NOT_A_UUID = 'The id is not a UUID';
const NO_SPRINT = 'No sprint has this id';

@ApiTags('sprints')
@Controller('api/v1/sprints')
export class SprintsController {
  constructor(
    private readonly sprints: SprintsService,
    private readonly review: SprintReviewService,
  ) {}

  @Get()
  @ApiRoute({
    summary: 'List sprints',
    description:
      'Newest first. With JIRA and a board configured, the board is read first (sprints, their issues and statuses). When JIRA cannot be read, the sprints stored from the last read, with a `Warning: 110` header giving its time; 503 when the board was never read.',
    role: 'viewer',
  })
  @ApiOkResponse({ type: [SprintResponseDto] })
  async list(@Res({ passthrough: true }) response: Response): Promise<SprintResponseDto[]> {
    const sprints = (await this.review.listSprints()).map(toSprintResponse);
    await this.markStale(response, true);
    return sprints;
  }

  @Post()
  @ApiRoute({
    summary: 'Create a sprint',
    description:
      "Only without a JIRA board (then sprints come from the board). The stories of the environment's runbook phases are its committed backlog; a sprint starting now is active at once.",
    role: 'operator',
    badRequest: 'A wrongly shaped body, an end before the start, an unknown environment, runbook or phase',
    conflict: 'Sprints come from the JIRA board',
  })
  @ApiCreatedResponse({ type: SprintResponseDto })
  async create(@Body() body: CreateSprintDto, @CurrentPrincipal() principal: Principal): Promise<SprintResponseDto> {
    const sprint = await this.sprints.create({ ...body, actor: principal.name });
    return toSprintResponse(await this.review.summary(sprint.id));
  }

  @Get(':id/report')
  @ApiRoute({
    summary: 'Get the sprint review report',
    description:
      'The same numbers as the dashboard and the Confluence review page (definitions: README, "Sprint review numbers"). When the JIRA board cannot be read, the report of what is stored, with a `Warning: 110` header giving the time it was read.',
    role: 'viewer',
    badRequest: NOT_A_UUID,
    notFound: NO_SPRINT,
  })
  @ApiOkResponse({ type: SprintReportResponseDto })
  async report(@Param() params: SprintIdParams, @Res({ passthrough: true }) response: Response): Promise<SprintReportResponseDto> {
    const report = toSprintReportResponse(await this.review.report(params.id));
    await this.markStale(response, false);
    return report;
  }

  /**
   * When the JIRA board could not be read, the answer is what PostgreSQL holds, said in a
   * `Warning: 110` header with the time it was read; with nothing read yet, a list is a 503.
   */
  private async markStale(response: Response, emptyIsUnavailable: boolean): Promise<void> {
    const unreachable = await this.review.boardUnreachable();
    if (!unreachable) return;
    if (!unreachable.dataFrom && emptyIsUnavailable) {
      throw new ServiceUnavailableError(`JIRA unreachable: no sprint has been read from the board yet (${unreachable.reason})`);
    }
    const from = unreachable.dataFrom?.toISOString() ?? 'before the board was ever read';
    response.setHeader('Warning', `110 opsprint "JIRA unreachable: showing data from ${from}"`);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Publish the sprint review to Confluence',
    description:
      'Creates or updates the "<sprint> review" page under the runbook root, with the burndown and phase-timeline charts attached.',
    role: 'operator',
    badRequest: NOT_A_UUID,
    notFound: NO_SPRINT,
    conflict: 'Confluence is not configured',
  })
  @ApiOkResponse({ type: PublishedReviewResponseDto })
  async publish(@Param() params: SprintIdParams): Promise<PublishedReviewResponseDto> {
    return toPublishedReviewResponse(await this.review.publish(params.id));
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Close a sprint',
    description:
      'Closes it now (a JIRA sprint through the Agile API, so JIRA has its own sprint report) and, with Confluence configured, publishes its review. Closing a closed sprint changes nothing. 503 when JIRA (or Confluence, for the review) is unreachable, down or rate limiting.',
    role: 'operator',
    badRequest: NOT_A_UUID,
    notFound: NO_SPRINT,
    conflict: 'The sprint has not started',
  })
  @ApiOkResponse({ type: SprintResponseDto, description: 'The closed sprint, with its review page when one was published' })
  async close(@Param() params: SprintIdParams, @CurrentPrincipal() principal: Principal): Promise<SprintResponseDto> {
    return toSprintResponse((await this.review.end(params.id, principal.name)).sprint);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
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
    description: 'Newest first. With JIRA and a board configured, the board is read first (sprints, their issues and statuses).',
    role: 'viewer',
  })
  @ApiOkResponse({ type: [SprintResponseDto] })
  async list(): Promise<SprintResponseDto[]> {
    return (await this.review.listSprints()).map(toSprintResponse);
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
    description: 'The same numbers as the dashboard and the Confluence review page (definitions: README, "Sprint review numbers").',
    role: 'viewer',
    badRequest: NOT_A_UUID,
    notFound: NO_SPRINT,
  })
  @ApiOkResponse({ type: SprintReportResponseDto })
  async report(@Param() params: SprintIdParams): Promise<SprintReportResponseDto> {
    return toSprintReportResponse(await this.review.report(params.id));
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
      'Closes it now (a JIRA sprint through the Agile API, so JIRA has its own sprint report) and, with Confluence configured, publishes its review. Closing a closed sprint changes nothing.',
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

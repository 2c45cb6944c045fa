import { BadRequestException, Controller, Get, Header, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DashboardLinks } from '../dashboard-links.js';
import { DashboardViews } from '../dashboard-views.js';
import { DashboardAuthGuard, type DashboardRequest } from '../session/dashboard-auth.guard.js';
import { SignInRequiredFilter } from '../session/sign-in-required.filter.js';
import { SprintReviewReader } from './sprint-review-reader.js';
import { safeHref, sprintReviewView } from './sprint-review.view.js';

/** Sprint and deployment ids as the ledger and JIRA write them; anything else is a typo or a probe. */
const ID = /^[\w.:-]{1,100}$/;

/** The sprint list and the sprint review page (burndown, phase timeline, DORA keys, failures, links). */
@ApiExcludeController()
@Controller('dashboard/sprints')
@UseGuards(DashboardAuthGuard)
@UseFilters(SignInRequiredFilter)
export class DashboardSprintsController {
  constructor(
    private readonly sprints: SprintReviewReader,
    private readonly views: DashboardViews,
    private readonly links: DashboardLinks,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async list(@Req() request: DashboardRequest): Promise<string> {
    const sprints = (await this.sprints.listSprints()).map((sprint) => ({ ...sprint, reviewHref: safeHref(sprint.reviewPage?.url) }));
    return this.views.render('sprints', { session: request.dashboard, sprints, unreachable: await this.sprints.boardUnreachable() });
  }

  @Get(':id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async review(@Req() request: DashboardRequest, @Param('id') id: string, @Query('deployment') deployment?: string): Promise<string> {
    if (!ID.test(id)) throw new BadRequestException('id: not a sprint id');
    if (deployment !== undefined && !ID.test(deployment)) throw new BadRequestException('deployment: not a deployment id');
    const report = await this.sprints.report(id);
    const view = await sprintReviewView(report, { issueUrl: (key) => this.links.issue(key), deploymentId: deployment });
    // The published Confluence review page, when there is one: the list knows it, the report does not.
    const reviewPage = (await this.sprints.listSprints()).find((sprint) => sprint.id === id)?.reviewPage ?? null;
    const review = reviewPage ? { href: safeHref(reviewPage.url), version: reviewPage.version } : null;
    const unreachable = await this.sprints.boardUnreachable();
    return this.views.render('sprint-review', { session: request.dashboard, view, review, unreachable });
  }
}

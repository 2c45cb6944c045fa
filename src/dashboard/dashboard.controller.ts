import { Controller, Get, Header, Logger, type MessageEvent, Param, ParseUUIDPipe, Req, Sse, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { DeploymentLogStream } from '../deployments/deployment-log-stream.js';
import { DashboardPages } from './dashboard-pages.service.js';
import { DashboardViews } from './dashboard-views.js';
import { DashboardAuthGuard, type DashboardRequest } from './session/dashboard-auth.guard.js';
import { SignInRequiredFilter } from './session/sign-in-required.filter.js';
import { SprintReviewReader } from './sprints/sprint-review-reader.js';

/** The overview lists the latest sprints; the sprint list has them all. */
const OVERVIEW_SPRINTS = 5;

/** The sprint review dashboard: server-rendered pages, viewer role or above, signed in with a session cookie. */
@ApiExcludeController()
@Controller('dashboard')
@UseGuards(DashboardAuthGuard)
@UseFilters(SignInRequiredFilter)
export class DashboardController {
  private readonly logger = new Logger('Dashboard');

  constructor(
    private readonly pages: DashboardPages,
    private readonly views: DashboardViews,
    private readonly logs: DeploymentLogStream,
    private readonly sprints: SprintReviewReader,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async overview(@Req() request: DashboardRequest): Promise<string> {
    // Sprints may come from the JIRA board: when it cannot be read, the rest of the overview still shows.
    const sprints = await this.sprints.listSprints().then(
      (all) => all.slice(0, OVERVIEW_SPRINTS),
      (error: unknown) => {
        this.logger.warn(`overview without sprints: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      },
    );
    return this.views.render('overview', {
      session: request.dashboard,
      sprints,
      sprintsUnavailable: sprints === null,
      // The sprints shown are what PostgreSQL holds: say so when the board could not be read.
      unreachable: sprints === null ? null : await this.sprints.boardUnreachable(),
      ...(await this.pages.overview()),
    });
  }

  @Get('environments/:name')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async environment(@Req() request: DashboardRequest, @Param('name') name: string): Promise<string> {
    return this.views.render('environment', { session: request.dashboard, ...(await this.pages.environment(name)) });
  }

  @Get('deployments/:id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async deployment(@Req() request: DashboardRequest, @Param('id', ParseUUIDPipe) id: string): Promise<string> {
    return this.views.render('deployment', { session: request.dashboard, ...(await this.pages.deployment(id)) });
  }

  /** The progress table alone, re-rendered by the page as steps finish. */
  @Get('deployments/:id/progress')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async progress(@Param('id', ParseUUIDPipe) id: string): Promise<string> {
    return this.views.render('/partials/progress', await this.pages.deployment(id));
  }

  /** Live log lines of a deployment (the same stream as the API's, on the session cookie). */
  @Sse('deployments/:id/events')
  events(@Param('id', ParseUUIDPipe) id: string): Promise<Observable<MessageEvent>> {
    return this.logs.open(id);
  }
}

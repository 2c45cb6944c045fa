import { Body, Controller, Get, HttpCode, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { DeploymentsService } from '../../deployments/deployments.service.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.js';
import { CreateDeploymentDto, ListDeploymentsQueryDto } from './deployment.dto.js';
import { DeploymentLogStream } from './deployment-log-stream.js';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('api/v1/deployments')
export class DeploymentsController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly logs: DeploymentLogStream,
  ) {}

  @Post()
  @Roles('operator')
  @ApiCreatedResponse({ description: 'The queued deployment with its phases and steps' })
  @ApiConflictResponse({ description: 'The environment already has a queued or running deployment' })
  create(@Body() body: CreateDeploymentDto, @CurrentPrincipal() principal: Principal) {
    return this.deployments.create({ ...body, trigger: 'api', requester: principal.name });
  }

  @Get()
  @ApiOkResponse({ description: 'Newest first, with phase runs' })
  list(@Query() query: ListDeploymentsQueryDto) {
    return this.deployments.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'A deployment, its phase runs and each step status' })
  get(@Param('id') id: string) {
    return this.deployments.get(id);
  }

  @Post(':id/cancel')
  @Roles('operator')
  @HttpCode(200)
  @ApiConflictResponse({ description: 'The deployment has already finished' })
  cancel(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.deployments.cancel(id, principal.name);
  }

  @Post(':id/retry')
  @Roles('operator')
  @HttpCode(200)
  @ApiConflictResponse({ description: 'Only a failed or cancelled deployment can be retried' })
  retry(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.deployments.retry(id, principal.name);
  }

  @Get(':id/steps/:stepRunId/output')
  @ApiOkResponse({ description: 'The command as run (masked), full stdout/stderr and artifacts of one step run' })
  stepOutput(@Param('id') id: string, @Param('stepRunId') stepRunId: string) {
    return this.deployments.stepOutput(id, stepRunId);
  }

  @Sse(':id/logs/stream')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'Events: `deployment` (status), log lines (data = JSON line, secrets masked), `end` when the deployment finished',
  })
  stream(@Param('id') id: string) {
    return this.logs.open(id);
  }
}

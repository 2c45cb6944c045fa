import { Body, Controller, Get, HttpCode, Param, Post, Query, Sse } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { finalize } from 'rxjs';
import { StreamSlots } from '../../infra/kv/stream-slots.js';
import { DeploymentsService } from '../../deployments/deployments.service.js';
import { DeploymentSyncStateService } from '../../deployments/deployment-sync-state.service.js';
import { CurrentPrincipal, type Principal } from '../../auth/principal.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { CreateDeploymentDto, DeploymentIdParams, ListDeploymentsQueryDto, StepOutputParams } from './deployment.dto.js';
import { DeploymentLogStream } from '../../deployments/deployment-log-stream.js';
import {
  DeploymentResponseDto,
  DeploymentSummaryResponseDto,
  StepOutputResponseDto,
  toDeploymentResponse,
  toDeploymentSummaryResponse,
  toStepOutputResponse,
} from './deployment-response.dto.js';

const NOT_A_UUID = 'The id is not a UUID';
const NO_DEPLOYMENT = 'No deployment has this id';

@ApiTags('deployments')
@Controller('api/v1/deployments')
export class DeploymentsController {
  constructor(
    private readonly deployments: DeploymentsService,
    private readonly logs: DeploymentLogStream,
    private readonly syncState: DeploymentSyncStateService,
    private readonly slots: StreamSlots,
  ) {}

  @Post()
  @ApiRoute({
    summary: 'Start a deployment',
    description:
      'Plans the runbook on the environment (every template rendered and checked first: nothing is written when anything is wrong), records the ledger and queues the first phases.',
    role: 'operator',
    badRequest: 'A wrongly shaped body, an unknown environment, runbook or phase, or a plan that cannot be rendered',
    conflict: 'The environment already has a queued or running deployment',
  })
  @ApiCreatedResponse({ type: DeploymentResponseDto, description: 'The queued deployment with its phases and steps' })
  async create(@Body() body: CreateDeploymentDto, @CurrentPrincipal() principal: Principal): Promise<DeploymentResponseDto> {
    return toDeploymentResponse(await this.deployments.create({ ...body, trigger: 'api', requester: principal.name }));
  }

  @Get()
  @ApiRoute({
    summary: 'List deployments',
    description: 'Newest first, with their phase runs (steps: see one deployment).',
    role: 'viewer',
    badRequest: 'A filter that is not valid (environment name, status, limit 1-500)',
  })
  @ApiOkResponse({ type: [DeploymentSummaryResponseDto] })
  async list(@Query() query: ListDeploymentsQueryDto): Promise<DeploymentSummaryResponseDto[]> {
    return (await this.deployments.list(query)).map(toDeploymentSummaryResponse);
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a deployment', role: 'viewer', badRequest: NOT_A_UUID, notFound: NO_DEPLOYMENT })
  @ApiOkResponse({
    type: DeploymentResponseDto,
    description: 'A deployment, its phase runs and each step status, and per phase what JIRA and Confluence confirmed',
  })
  async get(@Param() params: DeploymentIdParams): Promise<DeploymentResponseDto> {
    const deployment = await this.deployments.get(params.id);
    return toDeploymentResponse(deployment, await this.syncState.forDeployment(deployment));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Cancel a deployment',
    description: 'Running steps are stopped within seconds (the remote process is killed) and nothing new starts.',
    role: 'operator',
    badRequest: NOT_A_UUID,
    notFound: NO_DEPLOYMENT,
    conflict: 'The deployment has already finished',
  })
  @ApiOkResponse({ type: DeploymentResponseDto, description: 'The cancelled deployment' })
  async cancel(@Param() params: DeploymentIdParams, @CurrentPrincipal() principal: Principal): Promise<DeploymentResponseDto> {
    return toDeploymentResponse(await this.deployments.cancel(params.id, principal.name));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Retry a failed or cancelled deployment',
    description: 'Resumes from where it stopped; finished steps are not run again.',
    role: 'operator',
    badRequest: NOT_A_UUID,
    notFound: NO_DEPLOYMENT,
    conflict: 'The deployment is not failed or cancelled, or the environment has another active deployment',
  })
  @ApiOkResponse({ type: DeploymentResponseDto, description: 'The deployment, queued again' })
  async retry(@Param() params: DeploymentIdParams, @CurrentPrincipal() principal: Principal): Promise<DeploymentResponseDto> {
    return toDeploymentResponse(await this.deployments.retry(params.id, principal.name));
  }

  @Get(':id/steps/:stepRunId/output')
  @ApiRoute({
    summary: 'Get the output of a step run',
    description:
      'The guard and the command as run, labelled apart (masked), full stdout/stderr and the artifacts (rendered files, verification tables) of one step run.',
    role: 'viewer',
    badRequest: 'An id is not a UUID',
    notFound: 'The deployment has no step run with this id',
  })
  @ApiOkResponse({ type: StepOutputResponseDto })
  async stepOutput(@Param() params: StepOutputParams): Promise<StepOutputResponseDto> {
    return toStepOutputResponse(await this.deployments.stepOutput(params.id, params.stepRunId));
  }

  @Sse(':id/logs/stream')
  @ApiRoute({
    summary: 'Follow the log of a deployment (Server-Sent Events)',
    description:
      'Events: `deployment` (data: { id, status }), then the status lines of finished steps and live lines as default `message` events ' +
      '(data: { deploymentId, phaseKey, node, stepKey, stream: stdout|stderr|status, line, at }, secrets masked; ' +
      'the status lines rebuilt from the ledger also carry `replayed: true`, so a client that reconnects can skip those it has), ' +
      'and `end` (data: { status, error }) once the deployment has finished.',
    role: 'viewer',
    badRequest: NOT_A_UUID,
    notFound: NO_DEPLOYMENT,
    tooManyRequests: 'this token already has SSE_STREAMS_PER_TOKEN live log streams open (no Retry-After: close one first)',
  })
  // `content` rather than @ApiProduces, which would mark the JSON error answers as event streams too.
  @ApiOkResponse({
    description: 'The event stream; it closes after `end`',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'event: deployment\ndata: {"id":"…","status":"running"}\n\n' +
          'data: {"deploymentId":"…","phaseKey":"base","node":"linux-node1.example.com","stepKey":"chrony","stream":"status","line":"✓ Chrony: ok","at":"2026-12-01T09:30:00.000Z"}\n\n' +
          'event: end\ndata: {"status":"succeeded","error":null}\n\n',
      },
    },
  })
  async stream(@Param() params: DeploymentIdParams, @CurrentPrincipal() principal: Principal) {
    // At most SSE_STREAMS_PER_TOKEN open at once per token (429 beyond); the slot frees when the stream closes.
    const slot = await this.slots.acquire(principal.tokenId ?? 'bootstrap-admin');
    try {
      return (await this.logs.open(params.id)).pipe(finalize(() => void slot.release()));
    } catch (error) {
      await slot.release();
      throw error;
    }
  }
}

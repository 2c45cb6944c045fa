import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../../auth/principal.js';
import { DeploymentSchedulesService } from '../../schedules/deployment-schedules.service.js';
import { SchedulesService } from '../../schedules/schedules.service.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import {
  CreateScheduleDto,
  ListSchedulesQueryDto,
  ScheduleIdParams,
  ScheduleKeyParams,
  ScheduleRunsQueryDto,
  UpdateScheduleDto,
} from './schedule.dto.js';
import {
  ScheduleResponseDto,
  ScheduleRunResponseDto,
  ScheduleRunStartedResponseDto,
  toScheduleResponse,
  toScheduleRunResponse,
} from './schedule-response.dto.js';

const NO_SCHEDULE = 'No schedule has this key';
const BAD_SCHEDULE =
  'A wrongly shaped body, or a value the schedule cannot use; each reason names its field (cron, timezone, environment, phases, runbook)';

@ApiTags('schedules')
@Controller('api/v1/schedules')
export class SchedulesController {
  constructor(
    private readonly schedules: SchedulesService,
    private readonly deploymentSchedules: DeploymentSchedulesService,
  ) {}

  @Get()
  @ApiRoute({
    summary: 'List schedules',
    description:
      'The built-in schedules (drift check, …; switched by settings) and the deployment schedules, each with its switch, next and last firing.',
    role: 'viewer',
    badRequest: 'The environment filter is not a valid name',
  })
  @ApiOkResponse({ type: [ScheduleResponseDto] })
  async list(@Query() query: ListSchedulesQueryDto): Promise<ScheduleResponseDto[]> {
    return (await this.schedules.list(query)).map(toScheduleResponse);
  }

  @Post()
  @ApiRoute({
    summary: 'Create a deployment schedule',
    description:
      'Deploys to an environment at each moment the cron expression names in the time zone. A firing while the environment is busy is recorded as skipped.',
    role: 'operator',
    badRequest: BAD_SCHEDULE,
    conflict: 'The environment already has a schedule of this name',
  })
  @ApiCreatedResponse({ type: ScheduleResponseDto })
  async create(@Body() body: CreateScheduleDto, @CurrentPrincipal() principal: Principal): Promise<ScheduleResponseDto> {
    const created = await this.deploymentSchedules.create({ ...body }, principal.name);
    return toScheduleResponse(await this.schedules.viewOf(created));
  }

  @Get(':key')
  @ApiRoute({ summary: 'Get a schedule', role: 'viewer', badRequest: 'Not a built-in schedule name nor a uuid', notFound: NO_SCHEDULE })
  @ApiOkResponse({ type: ScheduleResponseDto })
  async get(@Param() params: ScheduleKeyParams): Promise<ScheduleResponseDto> {
    return toScheduleResponse(await this.schedules.get(params.key));
  }

  @Patch(':id')
  @ApiRoute({
    summary: 'Change a deployment schedule',
    description: 'Any of name, cron, timezone, phases, dryRun and enabled (the off switch).',
    role: 'operator',
    badRequest: BAD_SCHEDULE,
    notFound: NO_SCHEDULE,
    conflict: 'The environment already has a schedule of this name',
  })
  @ApiOkResponse({ type: ScheduleResponseDto })
  async update(
    @Param() params: ScheduleIdParams,
    @Body() body: UpdateScheduleDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleResponseDto> {
    const updated = await this.deploymentSchedules.update(params.id, { ...body }, principal.name);
    return toScheduleResponse(await this.schedules.viewOf(updated));
  }

  @Delete(':id')
  @ApiRoute({
    summary: 'Delete a deployment schedule',
    description: 'It fires no more; its firings stay on record.',
    role: 'operator',
    badRequest: 'Not a uuid',
    notFound: NO_SCHEDULE,
  })
  @ApiOkResponse({ type: ScheduleResponseDto, description: 'The schedule as it was' })
  async delete(@Param() params: ScheduleIdParams, @CurrentPrincipal() principal: Principal): Promise<ScheduleResponseDto> {
    const view = toScheduleResponse(await this.schedules.get(params.id));
    await this.deploymentSchedules.delete(params.id, principal.name);
    return { ...view, off: 'deleted', nextRunAt: null };
  }

  @Get(':key/runs')
  @ApiRoute({
    summary: 'Firings of a schedule',
    description: 'Newest first: what each did, or why it did nothing.',
    role: 'viewer',
    notFound: NO_SCHEDULE,
    badRequest: 'Not a built-in schedule name nor a uuid, or a bad limit',
  })
  @ApiOkResponse({ type: [ScheduleRunResponseDto] })
  async runs(@Param() params: ScheduleKeyParams, @Query() query: ScheduleRunsQueryDto): Promise<ScheduleRunResponseDto[]> {
    return (await this.schedules.runsOf(params.key, query.limit ?? 20)).map(toScheduleRunResponse);
  }

  @Post(':key/run')
  @HttpCode(202)
  @ApiRoute({
    summary: 'Fire a schedule now',
    description: 'As its next tick would: a switched-off schedule records the firing as skipped, a busy environment too.',
    role: 'operator',
    badRequest: 'Not a built-in schedule name nor a uuid',
    notFound: NO_SCHEDULE,
  })
  @ApiAcceptedResponse({ type: ScheduleRunStartedResponseDto })
  async run(@Param() params: ScheduleKeyParams, @CurrentPrincipal() principal: Principal): Promise<ScheduleRunStartedResponseDto> {
    return this.schedules.runNow(params.key, principal.name);
  }
}

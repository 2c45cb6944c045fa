import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EnvironmentsService } from '../../environments/environments.service.js';
import { DriftCheckService } from '../../schedules/drift-check.service.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { EnvironmentNameParams } from '../environments/environment.dto.js';
import { EnvironmentDriftResponseDto, toPhaseDriftResponse } from './schedule-response.dto.js';

@ApiTags('environments')
@Controller('api/v1/environments')
export class DriftController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly driftCheck: DriftCheckService,
  ) {}

  @Get(':name/drift')
  @ApiRoute({
    summary: 'Drift per phase of an environment',
    description: 'What the drift check last found for each finished phase: drifted phases list the steps that no longer hold.',
    role: 'viewer',
    badRequest: 'The name is not a valid environment name',
    notFound: 'No environment has this name',
  })
  @ApiOkResponse({ type: EnvironmentDriftResponseDto })
  async drift(@Param() params: EnvironmentNameParams): Promise<EnvironmentDriftResponseDto> {
    const environment = await this.environments.get(params.name);
    const phases = (await this.driftCheck.ofEnvironment(environment.id)).map(toPhaseDriftResponse);
    return { environment: environment.name, drifted: phases.some((p) => p.drifted), phases };
  }
}

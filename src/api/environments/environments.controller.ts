import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EnvironmentsService, type EnvironmentInput } from '../../environments/environments.service.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { CurrentPrincipal, type Principal } from '../../auth/principal.js';
import { ApiRoute } from '../common/api-route.decorator.js';
import { CreateEnvironmentDto, EnvironmentNameParams, UpdateEnvironmentDto } from './environment.dto.js';
import { EnvironmentResponseDto, toEnvironmentResponse } from './environment-response.dto.js';

/** The service stores network settings as JSON: hand it plain objects, not DTO instances. */
const plain = <T>(dto: T): T => structuredClone({ ...dto });

const INVALID_ENVIRONMENT =
  'A wrongly shaped body, or an inventory the runbook cannot use (each reason names its field: addresses, roles, secrets...)';

@ApiTags('environments')
@Controller('api/v1/environments')
export class EnvironmentsController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly audit: AuditRepository,
  ) {}

  @Post()
  @ApiRoute({
    summary: 'Create an environment',
    description: 'Nodes, network settings and secrets (write-only; runbook secrets left out are generated, SSH_PRIVATE_KEY is required).',
    role: 'operator',
    badRequest: `${INVALID_ENVIRONMENT}, or the name is taken`,
  })
  @ApiCreatedResponse({ type: EnvironmentResponseDto })
  async create(@Body() body: CreateEnvironmentDto, @CurrentPrincipal() principal: Principal): Promise<EnvironmentResponseDto> {
    const created = await this.environments.create(plain(body) as EnvironmentInput);
    await this.audit.record(principal.name, 'environment.create', created.name, {
      nodes: created.nodes.map((n) => n.name),
      secrets: created.secrets,
    });
    return toEnvironmentResponse(created);
  }

  @Get()
  @ApiRoute({ summary: 'List environments', description: 'By name, with nodes and the names of their secrets.', role: 'viewer' })
  @ApiOkResponse({ type: [EnvironmentResponseDto] })
  async list(): Promise<EnvironmentResponseDto[]> {
    return (await this.environments.list()).map(toEnvironmentResponse);
  }

  @Get(':name')
  @ApiRoute({
    summary: 'Get an environment',
    role: 'viewer',
    badRequest: 'The name is not a valid environment name',
    notFound: 'No environment has this name',
  })
  @ApiOkResponse({ type: EnvironmentResponseDto })
  async get(@Param() params: EnvironmentNameParams): Promise<EnvironmentResponseDto> {
    return toEnvironmentResponse(await this.environments.get(params.name));
  }

  @Put(':name')
  @ApiRoute({
    summary: 'Replace the inventory of an environment',
    description: 'Nodes and network settings are replaced; secrets given are replaced, the others kept; pinned host keys survive.',
    role: 'operator',
    badRequest: INVALID_ENVIRONMENT,
    notFound: 'No environment has this name',
    conflict: 'A deployment of the environment is queued or running: later phases would use the new values',
  })
  @ApiOkResponse({ type: EnvironmentResponseDto })
  async update(
    @Param() params: EnvironmentNameParams,
    @Body() body: UpdateEnvironmentDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EnvironmentResponseDto> {
    const updated = await this.environments.update(params.name, plain(body) as Omit<EnvironmentInput, 'name'>);
    // Names of the secrets replaced, never their values.
    await this.audit.record(principal.name, 'environment.update', params.name, {
      nodes: updated.nodes.map((n) => n.name),
      secretsReplaced: Object.keys(body.secrets ?? {}),
    });
    return toEnvironmentResponse(updated);
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiRoute({
    summary: 'Delete an environment',
    description: 'Its nodes, secrets, deployment history and links to JIRA issues and Confluence pages go with it.',
    role: 'admin',
    badRequest: 'The name is not a valid environment name',
    notFound: 'No environment has this name',
    conflict: 'A deployment of the environment is queued or running',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@Param() params: EnvironmentNameParams, @CurrentPrincipal() principal: Principal): Promise<void> {
    const removed = await this.environments.remove(params.name);
    // Names of the secrets deleted, never their values.
    await this.audit.record(principal.name, 'environment.delete', params.name, removed);
  }
}

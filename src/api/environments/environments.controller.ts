import { Body, Controller, Get, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { EnvironmentsService, type EnvironmentInput } from '../../environments/environments.service.js';
import { AuditRepository } from '../../persistence/repositories/audit.repository.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.js';
import { CreateEnvironmentDto, EnvironmentDto, UpdateEnvironmentDto } from './environment.dto.js';

/** The service stores network settings as JSON: hand it plain objects, not DTO instances. */
const plain = <T>(dto: T): T => structuredClone({ ...dto });

@ApiTags('environments')
@ApiBearerAuth()
@Controller('api/v1/environments')
export class EnvironmentsController {
  constructor(
    private readonly environments: EnvironmentsService,
    private readonly audit: AuditRepository,
  ) {}

  @Post()
  @Roles('operator')
  @ApiCreatedResponse({ type: EnvironmentDto })
  async create(@Body() body: CreateEnvironmentDto, @CurrentPrincipal() principal: Principal) {
    const created = await this.environments.create(plain(body) as EnvironmentInput);
    await this.audit.record(principal.name, 'environment.create', created.name, {
      nodes: created.nodes.map((n) => n.name),
      secrets: created.secrets,
    });
    return created;
  }

  @Get()
  @ApiOkResponse({ type: [EnvironmentDto] })
  list() {
    return this.environments.list();
  }

  @Get(':name')
  @ApiOkResponse({ type: EnvironmentDto })
  get(@Param('name') name: string) {
    return this.environments.get(name);
  }

  @Put(':name')
  @Roles('operator')
  @ApiOkResponse({ type: EnvironmentDto })
  async update(@Param('name') name: string, @Body() body: UpdateEnvironmentDto, @CurrentPrincipal() principal: Principal) {
    const updated = await this.environments.update(name, plain(body) as Omit<EnvironmentInput, 'name'>);
    // Names of the secrets replaced, never their values.
    await this.audit.record(principal.name, 'environment.update', name, {
      nodes: updated.nodes.map((n) => n.name),
      secretsReplaced: Object.keys(body.secrets ?? {}),
    });
    return updated;
  }
}

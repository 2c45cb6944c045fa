import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiTokensService } from './api-tokens.service.js';
import { CurrentPrincipal, type Principal } from './principal.js';
import { Roles } from './roles.js';
import { ApiTokenDto, CreatedApiTokenDto, CreateTokenDto } from './tokens.dto.js';

@ApiTags('tokens')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  create(@Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal) {
    return this.tokens.create(body, principal.name);
  }

  @Get()
  @ApiOkResponse({ type: [ApiTokenDto] })
  list() {
    return this.tokens.list();
  }

  @Delete(':id')
  @ApiOkResponse({ type: ApiTokenDto, description: 'The revoked token; it is refused from now on' })
  revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.tokens.revoke(id, principal.name);
  }
}

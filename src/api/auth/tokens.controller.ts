import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-route.decorator.js';
import { ApiTokensService } from '../../auth/api-tokens.service.js';
import { CurrentPrincipal, type Principal } from '../../auth/principal.js';
import { CreatedTokenResponseDto, TokenResponseDto, toCreatedTokenResponse, toTokenResponse } from './token-response.dto.js';
import { CreateTokenDto, TokenIdParams } from './tokens.dto.js';

@ApiTags('tokens')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @ApiRoute({
    summary: 'Create an API token',
    description: 'The answer carries the token value, the only time it is shown; only its SHA-256 hash is stored.',
    role: 'admin',
    badRequest: 'A missing or malformed name, or a role that is not viewer, operator or admin',
  })
  @ApiCreatedResponse({ type: CreatedTokenResponseDto })
  async create(@Body() body: CreateTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedTokenResponseDto> {
    return toCreatedTokenResponse(await this.tokens.create(body, principal.name));
  }

  @Get()
  @ApiRoute({ summary: 'List API tokens', description: 'Oldest first, revoked ones included; never their values.', role: 'admin' })
  @ApiOkResponse({ type: [TokenResponseDto] })
  async list(): Promise<TokenResponseDto[]> {
    return (await this.tokens.list()).map(toTokenResponse);
  }

  @Delete(':id')
  @ApiRoute({
    summary: 'Revoke an API token',
    description: 'Revoking an already revoked token changes nothing and answers it again.',
    role: 'admin',
    badRequest: 'The id is not a UUID',
    notFound: 'No token has this id',
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'The revoked token; it is refused from now on' })
  async revoke(@Param() params: TokenIdParams, @CurrentPrincipal() principal: Principal): Promise<TokenResponseDto> {
    return toTokenResponse(await this.tokens.revoke(params.id, principal.name));
  }
}

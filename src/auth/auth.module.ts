import { Module } from '@nestjs/common';
import { ApiTokensService } from './api-tokens.service.js';

/** API tokens and roles, shared by the REST API (bearer) and the dashboard (session cookie). */
@Module({
  providers: [ApiTokensService],
  exports: [ApiTokensService],
})
export class AuthModule {}

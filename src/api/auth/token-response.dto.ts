import { ApiProperty } from '@nestjs/swagger';
import { isoDate, isoDateOrNull } from '../common/iso-date.js';
import type { ApiTokenView } from '../../auth/api-tokens.service.js';
import { type ApiRole, ROLE_ORDER } from '../../auth/roles.js';

/** A token as listed: never its value, which only its creator saw once. */
export class TokenResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'ci-pipeline' }) name: string;
  @ApiProperty({ enum: ROLE_ORDER }) role: ApiRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Refreshed at most once a minute' })
  lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Set once revoked; the token is refused from then on' })
  revokedAt: string | null;
}

export class CreatedTokenResponseDto extends TokenResponseDto {
  @ApiProperty({ description: 'The bearer token. Shown only in this answer: store it now.', example: 'ops_3q2…' })
  token: string;
}

export function toTokenResponse(token: ApiTokenView): TokenResponseDto {
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    createdAt: isoDate(token.createdAt),
    lastUsedAt: isoDateOrNull(token.lastUsedAt),
    revokedAt: isoDateOrNull(token.revokedAt),
  };
}

/** The one answer that carries the token's value: the creator's only chance to see it. */
export function toCreatedTokenResponse(created: ApiTokenView & { token: string }): CreatedTokenResponseDto {
  return { ...toTokenResponse(created), token: created.token };
}

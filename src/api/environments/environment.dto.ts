import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
  ValidatorConstraint,
  Validate,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { SLUG, SLUG_RULE } from '../common/slug.js';
import { InventoryNodeDto, NetworkSettingsDto } from './inventory.dto.js';

/** A PEM private key (RSA 4096 is about 3.3k) fits many times over; a runbook secret is far shorter. */
const SECRET_MAX_LENGTH = 16_384;

/** Each secret value a string of bounded length, and the answer names the secrets that are not. */
@ValidatorConstraint({ name: 'secretValues' })
class SecretValues implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && badSecretNames(value).length === 0;
  }
  defaultMessage(args: ValidationArguments): string {
    const value = args.value as object;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'secrets must map each secret name to its value';
    const bad = badSecretNames(value).map((name) => `secrets.${name}`);
    return `secrets must map each secret name to a string of at most ${SECRET_MAX_LENGTH} characters; ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not`;
  }
}

function badSecretNames(secrets: object): string[] {
  return Object.entries(secrets)
    .filter(([, v]) => typeof v !== 'string' || v.length > SECRET_MAX_LENGTH)
    .map(([name]) => name);
}

const SECRETS_DESCRIPTION =
  'Write-only: secret name → value (SSH_PRIVATE_KEY, ADMIN_PASS, ...). Runbook secrets left out are generated. Answers only ever list the names.';

/** The inventory and settings of an environment, as PUT replaces them. */
export class UpdateEnvironmentDto {
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiProperty({ type: NetworkSettingsDto }) @ValidateNested() @Type(() => NetworkSettingsDto) network: NetworkSettingsDto;
  @ApiProperty({ type: [InventoryNodeDto] })
  @IsArray()
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => InventoryNodeDto)
  nodes: InventoryNodeDto[];
  @ApiPropertyOptional({ description: 'Pin the host key a node presents the first time (only when no fingerprint is given)' })
  @IsOptional()
  @IsBoolean()
  trustOnFirstUse?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: SECRETS_DESCRIPTION, writeOnly: true })
  @IsOptional()
  @IsObject()
  @Validate(SecretValues)
  secrets?: Record<string, string>;
}

export class CreateEnvironmentDto extends UpdateEnvironmentDto {
  // The pattern is checked by the service, with the other inventory problems; the bound keeps the echo short.
  @ApiProperty({ example: 'lab', description: "lower-case letters, digits and '-'", pattern: SLUG.source })
  @IsString()
  @MaxLength(63)
  name: string;
}

export class EnvironmentNameParams {
  @ApiProperty({ example: 'lab', pattern: SLUG.source, description: 'Environment name' })
  @Matches(SLUG, { message: `name must be ${SLUG_RULE}` })
  name: string;
}

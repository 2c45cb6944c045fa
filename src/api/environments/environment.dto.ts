import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
  ValidatorConstraint,
  Validate,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { InventoryNodeDto, NetworkSettingsDto } from './inventory.dto.js';

@ValidatorConstraint({ name: 'stringMap' })
class StringMap implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
  }
  defaultMessage(): string {
    return 'secrets must map each secret name to a string value';
  }
}

const SECRETS_DESCRIPTION =
  'Write-only: secret name → value (SSH_PRIVATE_KEY, ADMIN_PASS, ...). Runbook secrets left out are generated. Answers only ever list the names.';

/** The inventory and settings of an environment, as PUT replaces them. */
export class UpdateEnvironmentDto {
  @ApiPropertyOptional() @IsOptional() @IsString() description?: string;
  @ApiProperty({ type: NetworkSettingsDto }) @ValidateNested() @Type(() => NetworkSettingsDto) network: NetworkSettingsDto;
  @ApiProperty({ type: [InventoryNodeDto] })
  @IsArray()
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
  @Validate(StringMap)
  secrets?: Record<string, string>;
}

export class CreateEnvironmentDto extends UpdateEnvironmentDto {
  @ApiProperty({ example: 'lab', description: "lower-case letters, digits and '-'" }) @IsString() name: string;
}

export class EnvironmentDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ type: NetworkSettingsDto }) network: NetworkSettingsDto;
  @ApiProperty() trustOnFirstUse: boolean;
  @ApiProperty({ type: [InventoryNodeDto] }) nodes: InventoryNodeDto[];
  @ApiProperty({ type: [String], description: 'Names of the stored secrets; values are never returned' }) secrets: string[];
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

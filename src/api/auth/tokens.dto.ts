import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ROLE_ORDER, type ApiRole } from './roles.js';

export class CreateTokenDto {
  @ApiProperty({ description: 'Who or what uses the token; recorded as the requester of its deployments', example: 'ci-pipeline' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: ROLE_ORDER, description: 'viewer reads; operator also deploys and edits environments; admin also manages tokens' })
  @IsIn(ROLE_ORDER)
  role: ApiRole;
}

export class ApiTokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLE_ORDER }) role: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt: Date | null;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({ description: 'The bearer token. Shown only in this answer: store it now.' })
  token: string;
}

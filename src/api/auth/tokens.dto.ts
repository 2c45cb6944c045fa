import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { ROLE_ORDER, type ApiRole } from '../../auth/roles.js';

export class CreateTokenDto {
  @ApiProperty({
    description: 'Who or what uses the token; recorded as the requester of its deployments. One line of printable text.',
    example: 'ci-pipeline',
    minLength: 1,
    maxLength: 100,
  })
  @IsString()
  @Length(1, 100)
  // It shows up in deployments, audit events and JIRA comments: no line breaks or other controls.
  @Matches(/^[^\p{Cc}]+$/u, { message: 'name must be one line of printable text' })
  name: string;

  @ApiProperty({ enum: ROLE_ORDER, description: 'viewer reads; operator also deploys and edits environments; admin also manages tokens' })
  @IsIn(ROLE_ORDER)
  role: ApiRole;
}

export class TokenIdParams {
  @ApiProperty({ format: 'uuid', description: 'Token id (from the create answer or the list)' })
  @IsUUID()
  id: string;
}

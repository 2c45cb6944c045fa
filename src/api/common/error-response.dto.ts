import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every 4xx/5xx answer of the API (see DomainErrorFilter). */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'invalid input' }) message: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'One line per problem, each naming the field it concerns (400 only)',
    example: ['id must be a UUID'],
  })
  reasons?: string[];
}

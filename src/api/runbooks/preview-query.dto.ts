import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsOptional, IsString } from 'class-validator';

export class PreviewQueryDto {
  @ApiProperty({ description: 'Name of the environment to render the plan for', example: 'lab' })
  @IsString()
  environment: string;

  @ApiPropertyOptional({ description: 'Comma-separated phase keys (default: every phase)', example: 'base,mariadb', type: String })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  phases?: string[];
}

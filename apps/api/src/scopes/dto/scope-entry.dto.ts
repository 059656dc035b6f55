import type { UpdateScopeEntryRequest } from '@ccri/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class UpdateScopeEntryDto implements UpdateScopeEntryRequest {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['Patient'] })
  @IsOptional()
  @IsArray()
  @Matches(/^(\*|[A-Z][A-Za-z]{1,63})$/, { each: true, message: 'resource_types must be resource type names or *' })
  resource_types?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  self_service?: boolean;
}

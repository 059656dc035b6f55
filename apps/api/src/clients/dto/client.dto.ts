import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import {
  CLIENT_STATUSES,
  type ClientStatus,
  type CreateClientRequest,
  GRANT_TYPES,
  type GrantType,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
} from '@ccri/contracts';
import { parseScopes } from '@ccri/smart-scopes';

@ValidatorConstraint({ name: 'smartScopes' })
export class SmartScopesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || value.trim() === '') return false;
    return parseScopes(value).invalid.length === 0;
  }

  defaultMessage(args?: ValidationArguments): string {
    const invalid = typeof args?.value === 'string' ? parseScopes(args.value).invalid : [];
    return invalid.length
      ? `scope has invalid entries: ${invalid.join(' ')}`
      : 'scope must list at least one SMART scope';
  }
}

export class CreateClientDto implements CreateClientRequest {
  @ApiProperty({ example: 'Ward dashboard' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  client_name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ enum: GRANT_TYPES, isArray: true, default: ['client_credentials'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(GRANT_TYPES, { each: true })
  grant_types?: GrantType[];

  @ApiPropertyOptional({ enum: TOKEN_ENDPOINT_AUTH_METHODS, default: 'client_secret_basic' })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @ApiProperty({
    example: 'system/Patient.read system/Condition.read',
    description: 'Space-separated SMART scopes the client may be granted',
  })
  @Validate(SmartScopesConstraint)
  @MaxLength(4000)
  scope!: string;

  @ApiPropertyOptional({ description: 'Inline JWK Set for private_key_jwt' })
  @IsOptional()
  @IsObject()
  jwks?: { keys: Record<string, unknown>[] } | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http'] })
  @MaxLength(2000)
  jwks_uri?: string | null;

  @ApiPropertyOptional({ description: 'Fixed patient context (a Patient id) put into the tokens' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9\-.]{1,64}$/, { message: 'patient must be a FHIR id' })
  patient?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  single_active_token?: boolean;

  @ApiPropertyOptional({ description: 'Access token lifetime in seconds (60..86400); empty for the server default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86400)
  token_ttl_seconds?: number | null;

  @ApiPropertyOptional({ description: 'Token endpoint requests per minute (1..100000); empty for the server default' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100000)
  rate_limit_per_minute?: number | null;
}

export class UpdateClientDto extends PartialType(CreateClientDto) {}

export class ListClientsQueryDto {
  @ApiPropertyOptional({ description: 'Matches client id, name or description' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: ClientStatus;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

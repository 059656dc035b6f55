import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
  type ClientListQuery,
  type ClientStatus,
  type CreateClientRequest,
  GRANT_TYPES,
  type GrantType,
  TOKEN_ENDPOINT_AUTH_METHODS,
  TOKEN_ENDPOINT_AUTH_SIGNING_ALGS,
  type TokenEndpointAuthMethod,
} from '@ccri/contracts';
import { scopeSyntaxProblem } from '../client-rules';
import { PageQueryDto } from '../../common/dto/page-query.dto';

@ValidatorConstraint({ name: 'smartScopes' })
export class SmartScopesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return scopeSyntaxProblem(value) === null;
  }

  defaultMessage(args?: ValidationArguments): string {
    return scopeSyntaxProblem(args?.value) ?? 'scope must list at least one SMART scope';
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

  @ApiPropertyOptional({
    enum: TOKEN_ENDPOINT_AUTH_SIGNING_ALGS,
    description: 'private_key_jwt only: the one alg accepted on the client assertions',
  })
  @IsOptional()
  @IsIn(TOKEN_ENDPOINT_AUTH_SIGNING_ALGS)
  token_endpoint_auth_signing_alg?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.org/callback'],
    description: 'Where the authorization endpoint may send the browser back (compared exactly)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ description: 'SMART EHR launch URL of the app (OpenID initiate_login_uri)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  launch_uri?: string | null;

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

export class ListClientsQueryDto extends PageQueryDto(20) implements ClientListQuery {
  @ApiPropertyOptional({ description: 'Matches client id, name or description' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: CLIENT_STATUSES })
  @IsOptional()
  @IsIn(CLIENT_STATUSES)
  status?: ClientStatus;
}

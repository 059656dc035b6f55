import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { FEDERATION_AUDIENCES, type FederationAudience } from '@ccri/contracts';
import { PROVIDER_ID_PATTERN } from '../../config/app-config';

/** `POST /api/identity-providers`: the fields of DESIGN.md; `client_secret` is write-only. */
export class CreateIdentityProviderDto {
  @ApiProperty({ example: 'google', description: 'A slug; the callback is PUBLIC_URL/auth/federation/{id}/callback' })
  @IsString()
  @Matches(PROVIDER_ID_PATTERN, { message: 'id must be 1 to 63 lower-case letters, digits or -' })
  id!: string;

  @ApiProperty({ example: 'Google', description: 'Shown as "Sign in with {name}"' })
  @IsString()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'https://accounts.google.com' })
  @IsString()
  @MaxLength(500)
  issuer!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(255)
  client_id!: string;

  @ApiProperty({ writeOnly: true, description: 'Stored encrypted; never returned' })
  @IsString()
  @MaxLength(1000)
  client_secret!: string;

  @ApiPropertyOptional({ example: 'openid email profile' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  scopes?: string;

  @ApiProperty({ enum: FEDERATION_AUDIENCES, isArray: true })
  @IsArray()
  @IsIn(FEDERATION_AUDIENCES, { each: true })
  audiences!: FederationAudience[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  link_by_verified_email?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  auto_create?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['example.org'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  allowed_domains?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Verified e-mails or subjects allowed to sign in as administrators',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  admin_allow_list?: string[];
}

/** `PATCH /api/identity-providers/{id}`: any field but the id; a missing `client_secret` keeps the stored one. */
export class UpdateIdentityProviderDto extends PartialType(OmitType(CreateIdentityProviderDto, ['id'] as const)) {}

export class PublicProvidersQueryDto {
  @ApiPropertyOptional({ enum: FEDERATION_AUDIENCES })
  @IsOptional()
  @IsIn(FEDERATION_AUDIENCES)
  audience?: FederationAudience;
}

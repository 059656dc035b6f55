import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** `POST /api/users/{id}/external-identities`: an administrator links a person's external identity by hand. */
export class LinkExternalIdentityDto {
  @ApiProperty({ example: 'google' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'provider_id must name an identity provider' })
  provider_id!: string;

  @ApiProperty({ description: "The provider's `sub` for this person" })
  @IsString()
  @Matches(/^[\x21-\x7e]{1,255}$/, { message: 'subject must be 1 to 255 printable characters' })
  subject!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

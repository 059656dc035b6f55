import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  END_USER_PASSWORD_MIN_LENGTH,
  END_USER_ROLES,
  type CreateEndUserRequest,
  type EndUserRole,
  type UpdateEndUserRequest,
} from '@ccri/contracts';
import { PageQueryDto } from '../../common/dto/page-query.dto';

/** Spaces around a name or an address are a slip of the keyboard, never meant. */
const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** `Patient/{id}` or `Practitioner/{id}` (an R4 id: R4 datatypes.html#id). */
export const FHIR_USER_PATTERN = /^(Patient|Practitioner)\/[A-Za-z0-9\-.]{1,64}$/;

export class CreateEndUserDto implements CreateEndUserRequest {
  @ApiProperty({ example: 'amelia.jones', description: 'The sign-in name; unique, compared case-insensitively' })
  @trim()
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,100}$/, {
    message: 'username must be 1 to 100 letters, digits or . _ @ -',
  })
  username!: string;

  @ApiProperty({ example: 'Amelia Jones' })
  @trim()
  @IsString()
  @Matches(/\S/, { message: 'display_name must not be empty' })
  @MaxLength(200, { message: 'display_name must be at most 200 characters' })
  display_name!: string;

  @ApiPropertyOptional({ example: 'amelia@example.org', nullable: true })
  @IsOptional()
  @trim()
  @IsString()
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @ApiProperty({ enum: END_USER_ROLES })
  @IsIn(END_USER_ROLES, { message: `role must be one of ${END_USER_ROLES.join(', ')}` })
  role!: EndUserRole;

  @ApiProperty({
    example: 'Patient/7a1c0b2e',
    description: 'The FHIR resource this person is: Patient/{id} for a patient, Practitioner/{id} for a practitioner',
  })
  @IsString()
  @Matches(FHIR_USER_PATTERN, { message: 'fhir_user must be Patient/{id} or Practitioner/{id}' })
  fhir_user!: string;

  @ApiProperty({ minLength: END_USER_PASSWORD_MIN_LENGTH, writeOnly: true })
  @IsString()
  @MinLength(END_USER_PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${END_USER_PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** A new `password` resets it; it and `enabled: false` end the person's sessions. */
export class UpdateEndUserDto
  extends PartialType(OmitType(CreateEndUserDto, ['username'] as const))
  implements UpdateEndUserRequest {}

export class ListEndUsersQueryDto extends PageQueryDto(20) {
  @ApiPropertyOptional({ description: 'Matches username, display name or email' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: END_USER_ROLES })
  @IsOptional()
  @IsIn(END_USER_ROLES, { message: `role must be one of ${END_USER_ROLES.join(', ')}` })
  role?: EndUserRole;
}

export class DirectoryQueryDto {
  @ApiPropertyOptional({ description: 'A name (FHIR `name` search: starts a given or family name) or an NHS number' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  DEVELOPER_PASSWORD_MIN_LENGTH,
  type DeveloperLoginRequest,
  type DeveloperSignupRequest,
} from '@ccri/contracts';

/** Spaces around an address or a name are a slip of the keyboard, never meant. */
const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class DeveloperSignupDto implements DeveloperSignupRequest {
  @ApiProperty({ example: 'dev@example.org' })
  @trim()
  @IsString()
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ example: 'Example Health Ltd', description: 'Your name or your organisation’s' })
  @trim()
  @IsString()
  @Matches(/\S/, { message: 'name must not be empty' })
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  name!: string;

  @ApiProperty({ minLength: DEVELOPER_PASSWORD_MIN_LENGTH })
  @IsString()
  @MinLength(DEVELOPER_PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${DEVELOPER_PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(200, { message: 'password must be at most 200 characters' })
  password!: string;
}

export class DeveloperLoginDto implements DeveloperLoginRequest {
  @ApiProperty({ example: 'dev@example.org' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  password!: string;
}

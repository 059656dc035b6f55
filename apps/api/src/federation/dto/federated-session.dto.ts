import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** The one-time code the portal or dashboard found in its URL fragment after a federated sign-in. */
export class FederatedSessionDto {
  @ApiProperty({ description: 'The `federation_code` of the URL fragment; usable once, within 60 seconds' })
  @IsString()
  @MaxLength(100)
  code!: string;
}

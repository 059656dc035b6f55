import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { IssueInitialAccessTokenRequest } from '@ccri/contracts';

export class IssueInitialAccessTokenDto implements IssueInitialAccessTokenRequest {
  @ApiPropertyOptional({ description: 'Lifetime in seconds (60 s to 365 days)', default: 86400 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  expires_in?: number;

  @ApiPropertyOptional({ description: 'How many clients it may register', default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_uses?: number;
}

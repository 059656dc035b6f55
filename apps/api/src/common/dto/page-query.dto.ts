import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * The `page` and `limit` query parameters of a paged list (`?page=2&limit=50`), validated the same on every list
 * endpoint; each list names its own default and largest page. A list's query DTO extends `PageQueryDto(…)`.
 */
export function PageQueryDto(defaultLimit: number, maxLimit = 200) {
  class PageQuery {
    @ApiPropertyOptional({ default: 1 })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    page?: number;

    @ApiPropertyOptional({ default: defaultLimit })
    @IsOptional()
    @Type(() => Number)
    @IsInt()
    @Min(1)
    @Max(maxLimit)
    limit?: number;
  }
  return PageQuery;
}

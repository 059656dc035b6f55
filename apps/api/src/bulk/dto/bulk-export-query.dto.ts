import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto';

export class BulkExportQueryDto extends PageQueryDto(50) {
  @ApiPropertyOptional({ description: 'Only this client’s export jobs' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BulkExportJob, Page } from '@ccri/contracts';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { BulkExportService } from './bulk-export.service';
import { BulkExportQueryDto } from './dto/bulk-export-query.dto';

@ApiTags('bulk-exports')
@AdminOnly()
@Controller('api/bulk-exports')
export class BulkExportAdminController {
  constructor(private readonly exports: BulkExportService) {}

  @ApiOperation({ summary: 'FHIR Bulk Data export jobs, newest first, with their progress' })
  @Get()
  list(@Query() query: BulkExportQueryDto): Promise<Page<BulkExportJob>> {
    return this.exports.list(query.client_id, query.page, query.limit);
  }
}

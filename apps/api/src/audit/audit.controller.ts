import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditRecord, Page } from '@ccri/contracts';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@AdminOnly()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @ApiOperation({ summary: 'The audit trail, newest first, filtered by client, outcome, type and time range' })
  @Get()
  list(@Query() query: AuditQueryDto): Promise<Page<AuditRecord>> {
    return this.audit.query(query);
  }
}

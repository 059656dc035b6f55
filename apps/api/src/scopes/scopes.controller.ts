import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ScopeCatalogEntry } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { UpdateScopeEntryDto } from './dto/scope-entry.dto';
import { ScopesService } from './scopes.service';

@ApiTags('scopes')
@AdminOnly()
@Controller('api/scopes')
export class ScopesController {
  constructor(private readonly scopes: ScopesService) {}

  @ApiOperation({ summary: 'The scope catalog' })
  @Get()
  list(): Promise<ScopeCatalogEntry[]> {
    return this.scopes.list();
  }

  @ApiOperation({ summary: 'Describe a scope, or offer it for self-service registration' })
  @AuditAction('scope.update')
  @Put(':scope')
  put(@Param('scope') scope: string, @Body() body: UpdateScopeEntryDto): Promise<ScopeCatalogEntry> {
    return this.scopes.put(scope, body);
  }
}

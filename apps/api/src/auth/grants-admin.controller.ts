import { Controller, Delete, Get, HttpCode, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { AuthorizationGrant, Page } from '@ccri/contracts';
import { AuditAction } from '../common/decorators/audit-action.decorator';
import { AdminOnly } from '../admin-users/decorators/admin-only.decorator';
import { AuthorizationGrantsService } from './grants/authorization-grants.service';
import { stageAudit } from '../common/http/audit-stage';

class GrantsQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(36)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;
}

/** People's consents and refresh-token grants, for administrators. */
@ApiTags('grants')
@AdminOnly()
@Controller('api/grants')
export class GrantsAdminController {
  constructor(private readonly grants: AuthorizationGrantsService) {}

  @ApiOperation({ summary: 'Live authorization grants (consents and refresh-token grants), newest first' })
  @Get()
  async list(@Query() query: GrantsQueryDto): Promise<Page<AuthorizationGrant>> {
    const items = await this.grants.list({ user: query.user, clientId: query.client_id });
    return { items, total: items.length };
  }

  @ApiOperation({ summary: 'Revoke a grant and every token issued under it; every instance refuses them within 2 s' })
  @AuditAction('grant.revoke')
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string, @Req() request: FastifyRequest): Promise<void> {
    const grant = await this.grants.revokeById(id);
    stageAudit(request, { client_id: grant.clientId });
  }
}

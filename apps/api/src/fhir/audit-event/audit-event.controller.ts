import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../../scopes/decorators/token-access.decorator';
import type { TokenAccess } from '../../scopes/token-access';
import { FhirInteraction } from '../../scopes/decorators/fhir-interaction.decorator';
import { fhirErrors } from '../fhir-errors';
import { FhirOutcomeFilter } from '../fhir-outcome.filter';
import { parsePrefer } from '../fhir-prefer';
import { sendFhir } from '../fhir-response';
import { FhirSearchService } from '../fhir-search.service';
import type { QueryValues } from '../search/search-request-parser';
import { FhirAuditEventService } from './fhir-audit-event.service';
import { stageAudit } from '../../common/http/audit-stage';

const READ_ONLY = 'AuditEvents are written by the server itself and cannot be created, changed or deleted';

/** `/fhir/AuditEvent`: the audit trail, read-only (issue 3 §6). Static routes, so they win over `/fhir/:type`. */
@ApiTags('fhir')
@Controller('fhir/AuditEvent')
@UseFilters(FhirOutcomeFilter)
export class AuditEventController {
  constructor(
    private readonly events: FhirAuditEventService,
    private readonly searches: FhirSearchService,
  ) {}

  @ApiOperation({ summary: 'Search the audit trail as AuditEvents (IHE BALP), newest first' })
  @FhirInteraction('search-type', 'AuditEvent')
  @Get()
  async search(
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.events.search(query, access, parsePrefer(prefer)));
  }

  @ApiOperation({ summary: 'Search the audit trail by POST (form body)' })
  @FhirInteraction('search-type', 'AuditEvent')
  @Post('_search')
  async searchByPost(
    @Query() query: QueryValues,
    @Body() form: unknown,
    @Req() request: FastifyRequest,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const params = this.searches.formParameters(request.headers['content-type'], query, form);
    return sendFhir(reply, await this.events.search(params, access, parsePrefer(prefer)));
  }

  @ApiOperation({ summary: 'Read one AuditEvent' })
  @FhirInteraction('read', 'AuditEvent')
  @Get(':id')
  async read(
    @Param('id') id: string,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.events.read(id, access));
  }

  /**
   * R4 http.html: an interaction the server does not support on a type is 405. Declared without a type, so the scope
   * guard lets any valid token through to the same answer, whatever its scopes.
   */
  @ApiOperation({ summary: 'Refused: AuditEvents are read-only (405)' })
  @FhirInteraction('create')
  @Post()
  create(@Req() request: FastifyRequest): never {
    return this.refuse(request);
  }

  @ApiOperation({ summary: 'Refused: AuditEvents are read-only (405)' })
  @FhirInteraction('update')
  @Put([':id', ''])
  update(@Req() request: FastifyRequest): never {
    return this.refuse(request);
  }

  @ApiOperation({ summary: 'Refused: AuditEvents are read-only (405)' })
  @FhirInteraction('patch')
  @Patch(':id')
  patch(@Req() request: FastifyRequest): never {
    return this.refuse(request);
  }

  @ApiOperation({ summary: 'Refused: AuditEvents are read-only (405)' })
  @FhirInteraction('delete')
  @Delete([':id', ''])
  remove(@Req() request: FastifyRequest): never {
    return this.refuse(request);
  }

  private refuse(request: FastifyRequest): never {
    stageAudit(request, { resource_type: 'AuditEvent' });
    throw fhirErrors.methodNotAllowed(READ_ONLY);
  }
}

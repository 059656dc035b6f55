import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerError } from '../common/errors/domain-error';
import type { TokenPrincipal } from '../common/http/request-context';
import { FhirResourceBody } from '../fhir/decorators/fhir-resource-body.decorator';
import { FhirOutcomeFilter } from '../fhir/fhir-outcome.filter';
import { FHIR_CONTENT_TYPE } from '../fhir/fhir-response';
import type { QueryValues } from '../fhir/search/search-request-parser';
import { Access } from '../scopes/decorators/token-access.decorator';
import { FhirInteraction } from '../scopes/decorators/fhir-interaction.decorator';
import type { TokenAccess } from '../scopes/token-access';
import { ExportLevel, parametersResource, queryParameters, RawParameter } from './bulk-export-parameters';
import { BulkExportService } from './bulk-export.service';

function principalOf(request: FastifyRequest): TokenPrincipal {
  if (!request.principal) throw bearerError(401, 'invalid_token', 'No verified access token');
  return request.principal;
}

/**
 * FHIR Bulk Data Access IG 2.0 ("Flat FHIR"): `$export` at system, Patient and Group level (GET with query
 * parameters, POST with a Parameters resource), the job's status URL (poll, DELETE to cancel) and its files.
 */
@ApiTags('fhir')
@Controller('fhir')
@UseFilters(FhirOutcomeFilter)
export class BulkExportController {
  constructor(private readonly exports: BulkExportService) {}

  @ApiOperation({ summary: 'Bulk Data kick-off: export every resource the token may read (Prefer: respond-async)' })
  @FhirInteraction('bulk-export')
  @Get('$export')
  systemGet(@Query() q: QueryValues, @Req() req: FastifyRequest, @Access() a: TokenAccess, @Res() r: FastifyReply) {
    return this.kickOff('system', undefined, queryParameters(q), req, a, r);
  }

  @ApiOperation({ summary: 'Bulk Data kick-off with a Parameters resource' })
  @FhirInteraction('bulk-export')
  @Post('$export')
  systemPost(
    @FhirResourceBody() body: unknown,
    @Req() req: FastifyRequest,
    @Access() a: TokenAccess,
    @Res() r: FastifyReply,
  ) {
    return this.kickOff('system', undefined, parametersResource(body), req, a, r);
  }

  @ApiOperation({ summary: 'Bulk Data kick-off: the compartments of every patient (or of `patient`)' })
  @FhirInteraction('bulk-export', 'Patient')
  @Get('Patient/$export')
  patientGet(@Query() q: QueryValues, @Req() req: FastifyRequest, @Access() a: TokenAccess, @Res() r: FastifyReply) {
    return this.kickOff('patient', undefined, queryParameters(q), req, a, r);
  }

  @ApiOperation({ summary: 'Bulk Data kick-off, Patient level, with a Parameters resource' })
  @FhirInteraction('bulk-export', 'Patient')
  @Post('Patient/$export')
  patientPost(
    @FhirResourceBody() body: unknown,
    @Req() req: FastifyRequest,
    @Access() a: TokenAccess,
    @Res() r: FastifyReply,
  ) {
    return this.kickOff('patient', undefined, parametersResource(body), req, a, r);
  }

  @ApiOperation({ summary: "Bulk Data kick-off: the compartments of the Group's member patients" })
  @FhirInteraction('bulk-export', 'Group')
  @Get('Group/:id/$export')
  groupGet(
    @Param('id') id: string,
    @Query() q: QueryValues,
    @Req() req: FastifyRequest,
    @Access() a: TokenAccess,
    @Res() r: FastifyReply,
  ) {
    return this.kickOff('group', id, queryParameters(q), req, a, r);
  }

  @ApiOperation({ summary: 'Bulk Data kick-off, Group level, with a Parameters resource' })
  @FhirInteraction('bulk-export', 'Group')
  @Post('Group/:id/$export')
  groupPost(
    @Param('id') id: string,
    @FhirResourceBody() body: unknown,
    @Req() req: FastifyRequest,
    @Access() a: TokenAccess,
    @Res() r: FastifyReply,
  ) {
    return this.kickOff('group', id, parametersResource(body), req, a, r);
  }

  @ApiOperation({ summary: 'Bulk Data status: 202 with X-Progress while running, 200 with the manifest when done' })
  @FhirInteraction('bulk-status')
  @Get('$export-status/:id')
  async status(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const answer = await this.exports.status(id, principalOf(req));
    if (answer.state === 'failed') throw answer.error;
    if (answer.state === 'in-progress')
      return reply
        .code(202)
        .header('x-progress', answer.progress)
        .header('retry-after', String(answer.retryAfter))
        .send();
    if (answer.expires) reply.header('expires', answer.expires.toUTCString());
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(answer.manifest);
  }

  @ApiOperation({ summary: 'Bulk Data cancel: stops the export and deletes its files' })
  @FhirInteraction('bulk-cancel')
  @Delete('$export-status/:id')
  @HttpCode(202)
  async cancel(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    await this.exports.cancel(id, principalOf(req), String(req.id));
    return reply
      .code(202)
      .header('content-type', FHIR_CONTENT_TYPE)
      .send({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            diagnostics: 'The export was cancelled and its files deleted',
          },
        ],
      });
  }

  @ApiOperation({ summary: 'Bulk Data file: NDJSON, for the client that started the export' })
  @FhirInteraction('bulk-download')
  @Get('$export-file/:id/:file')
  async file(
    @Param('id') id: string,
    @Param('file') name: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const { stream } = await this.exports.file(id, name, principalOf(req), String(req.id));
    return reply.code(200).header('content-type', 'application/fhir+ndjson').send(stream);
  }

  private async kickOff(
    level: ExportLevel,
    groupId: string | undefined,
    parameters: RawParameter[],
    req: FastifyRequest,
    access: TokenAccess,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const location = await this.exports.kickOff({
      level,
      groupId,
      parameters,
      prefer: headerOf(req, 'prefer'),
      accept: headerOf(req, 'accept'),
      path: req.url,
      principal: principalOf(req),
      access,
      requestId: String(req.id),
    });
    return reply
      .code(202)
      .header('content-location', location)
      .header('content-type', FHIR_CONTENT_TYPE)
      .send({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'information', code: 'informational', diagnostics: `Export started; poll ${location}` }],
      });
  }
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

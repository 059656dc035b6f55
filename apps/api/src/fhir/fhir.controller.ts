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
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../scopes/decorators/token-access.decorator';
import type { TokenAccess } from '../scopes/token-access';
import { FhirInteraction } from '../scopes/decorators/fhir-interaction.decorator';
import { FhirResourceBody, JsonPatchBody } from './decorators/fhir-resource-body.decorator';
import { FhirHistoryService } from './fhir-history.service';
import { FhirOutcomeFilter } from './fhir-outcome.filter';
import { parsePrefer } from './fhir-prefer';
import { sendFhir } from './fhir-response';
import { FhirSearchService } from './fhir-search.service';
import { FhirService } from './fhir.service';
import type { QueryValues } from './search/search-request-parser';
import { stageAudit } from '../common/http/audit-stage';

const RESOURCE_BODY = {
  schema: { type: 'object', example: { resourceType: 'Patient', name: [{ family: 'Smith', given: ['Jo'] }] } },
} as const;

/** The FHIR R4 RESTful API on resource types (R4 http.html). Each route declares its interaction for the scope guard. */
@ApiTags('fhir')
@Controller('fhir')
@UseFilters(FhirOutcomeFilter)
export class FhirController {
  constructor(
    private readonly fhir: FhirService,
    private readonly searches: FhirSearchService,
    private readonly histories: FhirHistoryService,
  ) {}

  @ApiOperation({
    summary:
      'Search (searchset Bundle; _count, _sort, _include, _revinclude, _summary, _elements, _total; paging links; Prefer: handling=strict rejects unknown parameters)',
  })
  @FhirInteraction('search-type')
  @Get(':type')
  async search(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.searches.search(type, query, access, parsePrefer(prefer)));
  }

  @ApiOperation({
    summary: 'Search by POST (R4 http.html#search): parameters in an application/x-www-form-urlencoded body',
  })
  @FhirInteraction('search-type')
  @Post(':type/_search')
  async searchByPost(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @Body() form: unknown,
    @Req() request: FastifyRequest,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const params = this.searches.formParameters(request.headers['content-type'], query, form);
    return sendFhir(reply, await this.searches.search(type, params, access, parsePrefer(prefer)));
  }

  @ApiOperation({
    summary:
      'Create (the server assigns id and meta; 201 with Location and ETag; If-None-Exist for a conditional create)',
  })
  @ApiBody(RESOURCE_BODY)
  @FhirInteraction('create')
  @Post(':type')
  async create(
    @Param('type') type: string,
    @FhirResourceBody() body: unknown,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Headers('if-none-exist') ifNoneExist: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.fhir.create(type, body, access, parsePrefer(prefer), ifNoneExist);
    stageAudit(request, { resource_id: result.resourceId ?? null });
    return sendFhir(reply, result);
  }

  @ApiOperation({
    summary:
      'Conditional update (R4 http.html#cond-update): the URL parameters are a search; no match creates, one match is updated, more are 412',
  })
  @ApiBody(RESOURCE_BODY)
  @FhirInteraction('update')
  @Put(':type')
  async conditionalUpdate(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @FhirResourceBody() body: unknown,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.fhir.conditionalUpdate(type, query, body, access, parsePrefer(prefer), ifMatch);
    stageAudit(request, { resource_id: result.resourceId ?? null });
    return sendFhir(reply, result);
  }

  @ApiOperation({
    summary:
      'Conditional delete (R4 http.html#cdelete, single): the URL parameters are a search; its one match is deleted (404 for none, 412 for more)',
  })
  @FhirInteraction('delete')
  @Delete(':type')
  async conditionalDelete(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.fhir.conditionalDelete(type, query, access);
    stageAudit(request, { resource_id: result.resourceId ?? null });
    return sendFhir(reply, result);
  }

  @ApiOperation({ summary: 'History of a type, newest first (_since, _count)' })
  @FhirInteraction('history-type')
  @Get(':type/_history')
  async historyType(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.histories.type(type, query, access));
  }

  @ApiOperation({ summary: 'Read the current version (404 unknown, 410 deleted)' })
  @FhirInteraction('read')
  @Get(':type/:id')
  async read(
    @Param('type') type: string,
    @Param('id') id: string,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.read(type, id, access));
  }

  @ApiOperation({
    summary: 'Update, or create with this id (the body id must equal the URL id); If-Match for versioned update',
  })
  @ApiBody(RESOURCE_BODY)
  @FhirInteraction('update')
  @Put(':type/:id')
  async update(
    @Param('type') type: string,
    @Param('id') id: string,
    @FhirResourceBody() body: unknown,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.update(type, id, body, access, parsePrefer(prefer), ifMatch));
  }

  @ApiOperation({ summary: 'Patch with a JSON Patch (application/json-patch+json); If-Match for versioned patch' })
  @ApiBody({ schema: { type: 'array', example: [{ op: 'replace', path: '/gender', value: 'female' }] } })
  @FhirInteraction('patch')
  @Patch(':type/:id')
  async patch(
    @Param('type') type: string,
    @Param('id') id: string,
    @JsonPatchBody() body: unknown,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.patch(type, id, body, access, parsePrefer(prefer), ifMatch));
  }

  @ApiOperation({ summary: 'Delete (204; later reads answer 410 Gone); If-Match for versioned delete' })
  @FhirInteraction('delete')
  @Delete(':type/:id')
  async remove(
    @Param('type') type: string,
    @Param('id') id: string,
    @Access() access: TokenAccess,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.delete(type, id, access, ifMatch));
  }

  @ApiOperation({ summary: 'History of one resource, newest first (_since, _count)' })
  @FhirInteraction('history-instance')
  @Get(':type/:id/_history')
  async historyInstance(
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.histories.instance(type, id, query, access));
  }

  @ApiOperation({ summary: 'Read one version' })
  @FhirInteraction('vread')
  @Get(':type/:id/_history/:vid')
  async vread(
    @Param('type') type: string,
    @Param('id') id: string,
    @Param('vid') vid: string,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.vread(type, id, vid, access));
  }
}

import { Controller, Delete, Get, Headers, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../scopes/decorators/fhir-access.decorator';
import { FhirInteraction } from '../scopes/decorators/fhir-interaction.decorator';
import type { FhirAccess } from '../scopes/fhir-access';
import { FhirResourceBody } from './decorators/fhir-resource-body.decorator';
import { parsePrefer } from './fhir-prefer';
import { sendFhir } from './fhir-response';
import { FhirService } from './fhir.service';
import type { QueryValues } from './search/search-request-parser';

const RESOURCE_BODY = {
  schema: { type: 'object', example: { resourceType: 'Patient', name: [{ family: 'Smith', given: ['Jo'] }] } },
} as const;

/** The FHIR R4 RESTful API on resource types (R4 http.html). Each route declares its interaction for the scope guard. */
@ApiTags('fhir')
@Controller('fhir')
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  @ApiOperation({
    summary: 'Search (searchset Bundle; _count, paging links; Prefer: handling=strict rejects unknown parameters)',
  })
  @FhirInteraction('search-type')
  @Get(':type')
  async search(
    @Param('type') type: string,
    @Query() query: QueryValues,
    @Access() access: FhirAccess | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.search(type, query, access, parsePrefer(prefer)));
  }

  @ApiOperation({ summary: 'Create (the server assigns id and meta; 201 with Location and ETag)' })
  @ApiBody(RESOURCE_BODY)
  @FhirInteraction('create')
  @Post(':type')
  async create(
    @Param('type') type: string,
    @FhirResourceBody() body: unknown,
    @Access() access: FhirAccess | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const result = await this.fhir.create(type, body, access, parsePrefer(prefer));
    if (request.audit) request.audit.resource_id = result.resourceId ?? null;
    return sendFhir(reply, result);
  }

  @ApiOperation({ summary: 'Read the current version (404 unknown, 410 deleted)' })
  @FhirInteraction('read')
  @Get(':type/:id')
  async read(
    @Param('type') type: string,
    @Param('id') id: string,
    @Access() access: FhirAccess | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.read(type, id, access));
  }

  @ApiOperation({ summary: 'Update, or create with this id (the body id must equal the URL id)' })
  @ApiBody(RESOURCE_BODY)
  @FhirInteraction('update')
  @Put(':type/:id')
  async update(
    @Param('type') type: string,
    @Param('id') id: string,
    @FhirResourceBody() body: unknown,
    @Access() access: FhirAccess | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.update(type, id, body, access, parsePrefer(prefer)));
  }

  @ApiOperation({ summary: 'Delete (204; later reads answer 410 Gone)' })
  @FhirInteraction('delete')
  @Delete(':type/:id')
  async remove(
    @Param('type') type: string,
    @Param('id') id: string,
    @Access() access: FhirAccess | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.delete(type, id, access));
  }

  @ApiOperation({ summary: 'Read one version' })
  @FhirInteraction('vread')
  @Get(':type/:id/_history/:vid')
  async vread(
    @Param('type') type: string,
    @Param('id') id: string,
    @Param('vid') vid: string,
    @Access() access: FhirAccess | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.fhir.vread(type, id, vid, access));
  }
}

import { Controller, Get, Headers, Post, Query, Res, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../scopes/decorators/token-access.decorator';
import type { TokenAccess } from '../scopes/token-access';
import { FhirInteraction } from '../scopes/decorators/fhir-interaction.decorator';
import { FhirBundleService } from './bundle/fhir-bundle.service';
import { FhirResourceBody } from './decorators/fhir-resource-body.decorator';
import { FhirHistoryService } from './fhir-history.service';
import { FhirOutcomeFilter } from './fhir-outcome.filter';
import { parsePrefer } from './fhir-prefer';
import { sendFhir } from './fhir-response';
import type { QueryValues } from './search/search-request-parser';

/** Interactions on the FHIR base itself (R4 http.html#transaction, #history): each entry or version checked alone. */
@ApiTags('fhir')
@Controller('fhir')
@UseFilters(FhirOutcomeFilter)
export class FhirSystemController {
  constructor(
    private readonly bundles: FhirBundleService,
    private readonly histories: FhirHistoryService,
  ) {}

  @ApiOperation({
    summary: 'Batch or transaction Bundle (a transaction is all or nothing; urn:uuid references are rewritten)',
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',
            resource: { resourceType: 'Patient', name: [{ family: 'Smith' }] },
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      },
    },
  })
  @FhirInteraction('transaction')
  @Post()
  async transaction(
    @FhirResourceBody() body: unknown,
    @Access() access: TokenAccess,
    @Headers('prefer') prefer: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.bundles.process(body, access, parsePrefer(prefer)));
  }

  @ApiOperation({ summary: 'History of every type the token may search, newest first (_since, _count)' })
  @FhirInteraction('history-system')
  @Get('_history')
  async history(
    @Query() query: QueryValues,
    @Access() access: TokenAccess,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    return sendFhir(reply, await this.histories.system(query, access));
  }
}

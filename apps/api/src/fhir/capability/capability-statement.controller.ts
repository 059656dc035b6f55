import { Controller, Get, Headers, Options, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { sendFhir } from '../fhir-response';
import { CapabilityStatementService } from './capability-statement.service';

/** CORS for the CapabilityStatement (Fetch standard §3.2): any origin may read it, no credentials involved. */
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, Last-Modified, Location, Content-Location',
};

@ApiTags('fhir')
@Controller('fhir')
export class CapabilityStatementController {
  constructor(private readonly capability: CapabilityStatementService) {}

  /** R4 http.html#capabilities: open to anyone, so clients can discover the SMART endpoints before they have a token. */
  @ApiOperation({
    summary: 'CapabilityStatement (no token needed, CORS open); rest[0].security carries the SMART oauth-uris',
  })
  @Public()
  @Get('metadata')
  metadata(@Res() reply: FastifyReply): FastifyReply {
    reply.headers(CORS);
    return sendFhir(reply, { status: 200, body: this.capability.statement() });
  }

  /** The CORS preflight of a browser app about to read the CapabilityStatement. */
  @ApiOperation({ summary: 'CORS preflight for the CapabilityStatement' })
  @Public()
  @Options('metadata')
  preflight(
    @Headers('access-control-request-headers') requested: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    const headers =
      requested && /^[A-Za-z0-9\-_, ]{1,500}$/.test(requested) ? requested : 'Accept, Authorization, Content-Type';
    return reply
      .code(204)
      .headers({
        ...CORS,
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-allow-headers': headers,
        'access-control-max-age': '86400',
      })
      .send();
  }
}

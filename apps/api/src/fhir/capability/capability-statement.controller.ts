import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { sendFhir } from '../fhir-response';
import { CapabilityStatementService } from './capability-statement.service';

@ApiTags('fhir')
@Controller('fhir')
export class CapabilityStatementController {
  constructor(private readonly capability: CapabilityStatementService) {}

  /** R4 http.html#capabilities: open to anyone, so clients can discover the SMART endpoints before they have a token. */
  @ApiOperation({
    summary:
      'CapabilityStatement (no token needed, CORS open: common/http/cors.ts); rest[0].security carries the SMART oauth-uris',
  })
  @Public()
  @Get('metadata')
  metadata(@Res() reply: FastifyReply): FastifyReply {
    return sendFhir(reply, { status: 200, body: this.capability.statement() });
  }
}

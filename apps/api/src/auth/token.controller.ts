import { Body, Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators/public.decorator';
import type { ClientEntity } from '../clients/client.entity';
import { AuthenticatedClient, ClientAuthenticated } from './client-auth/client-authenticated.decorator';
import { KeysService } from './keys/keys.service';
import { TokenEndpointService } from './token-endpoint.service';
import { tokenActor } from './grants/token-actor';
import type { TokenResponse } from './tokens/access-token.service';
import { stageAudit } from '../common/http/audit-stage';

@ApiTags('oauth')
@Controller('auth')
export class TokenController {
  constructor(
    private readonly endpoint: TokenEndpointService,
    private readonly keys: KeysService,
  ) {}

  @ApiOperation({
    summary:
      'Token endpoint (RFC 6749 §3.2): client_credentials with HTTP Basic (client_secret_basic) or client_secret_post',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: ['client_credentials'] },
        scope: { type: 'string', example: 'patient/Patient.read' },
        client_id: { type: 'string', description: 'client_secret_post only' },
        client_secret: { type: 'string', description: 'client_secret_post only' },
      },
    },
  })
  @ApiOkResponse({ description: '{access_token, token_type: "Bearer", expires_in, scope}' })
  @ClientAuthenticated()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(
    @AuthenticatedClient() client: ClientEntity,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ): Promise<TokenResponse> {
    // The issued token's record is staged with the request's audit record, committed in one transaction before
    // the response leaves (AccessTokenService, AuditService).
    const response = await this.endpoint.handle(client, body ?? {}, request);
    // A token acting for a person names that person in the audit record (the client is there already).
    const actor = tokenActor(response);
    if (actor) stageAudit(request, { actor });
    return response;
  }

  @ApiOperation({ summary: 'The public keys that sign access tokens (RFC 7517 JWK Set)' })
  @Public()
  @Get('jwks')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }
}

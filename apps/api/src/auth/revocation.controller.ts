import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientEntity } from '../clients/client.entity';
import { PublicClientsAllowed } from './client-auth/client-auth.guard';
import { AuthenticatedClient, ClientAuthenticated } from './client-auth/client-authenticated.decorator';
import { TokenIntrospectionService } from './tokens/token-introspection.service';

@ApiTags('oauth')
@Controller('auth')
export class RevocationController {
  constructor(private readonly tokens: TokenIntrospectionService) {}

  @ApiOperation({
    summary:
      'Token revocation (RFC 7009): revokes a token issued to the calling client (a public client sends only client_id)',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string' }, client_id: { type: 'string' } },
    },
  })
  @ClientAuthenticated()
  // RFC 7009 §2.1: a public client identifies itself with client_id and may revoke only its own tokens.
  @PublicClientsAllowed()
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@AuthenticatedClient() client: ClientEntity, @Body() body: Record<string, unknown>): Promise<void> {
    await this.tokens.revoke(typeof body?.token === 'string' ? body.token : undefined, client);
  }
}

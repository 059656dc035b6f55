import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientEntity } from '../clients/client.entity';
import { AuthenticatedClient, ClientAuthenticated } from './client-auth/client-authenticated.decorator';
import { TokenIntrospectionService } from './tokens/token-introspection.service';

@ApiTags('oauth')
@Controller('auth')
export class RevocationController {
  constructor(private readonly tokens: TokenIntrospectionService) {}

  @ApiOperation({ summary: 'Token revocation (RFC 7009): revokes an access token issued to the calling client' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string' } },
    },
  })
  @ClientAuthenticated()
  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(@AuthenticatedClient() client: ClientEntity, @Body() body: Record<string, unknown>): Promise<void> {
    await this.tokens.revoke(typeof body?.token === 'string' ? body.token : undefined, client);
  }
}

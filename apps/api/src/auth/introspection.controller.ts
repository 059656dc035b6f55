import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientEntity } from '../clients/client.entity';
import { AuthenticatedClient, ClientAuthenticated } from './client-auth/client-authenticated.decorator';
import { IntrospectionResponse, TokenIntrospectionService } from './tokens/token-introspection.service';

@ApiTags('oauth')
@Controller('auth')
export class IntrospectionController {
  constructor(private readonly tokens: TokenIntrospectionService) {}

  @ApiOperation({
    summary: "Token introspection (RFC 7662): whether the calling client's token is active, and its claims",
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['token'],
      properties: { token: { type: 'string' }, token_type_hint: { type: 'string' } },
    },
  })
  @ClientAuthenticated()
  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  introspect(
    @AuthenticatedClient() client: ClientEntity,
    @Body() body: Record<string, unknown>,
  ): Promise<IntrospectionResponse> {
    return this.tokens.introspect(typeof body?.token === 'string' ? body.token : undefined, client);
  }
}

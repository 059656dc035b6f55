import { Controller, Delete, Get, Header, HttpCode, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  type Client,
  GRANT_TYPES,
  TOKEN_ENDPOINT_AUTH_METHODS,
  TOKEN_ENDPOINT_AUTH_SIGNING_ALGS,
} from '@ccri/contracts';
import { Public } from '../common/decorators/public.decorator';
import { BearerToken } from './decorators/bearer-token.decorator';
import { JsonBody } from './decorators/json-body.decorator';
import { RegisteredClient, RegistrationAccess } from './decorators/registration-access.decorator';
import type { ClientRegistration } from './dto/client-registration.dto';
import { RegistrationRateLimitGuard } from './guards/registration-rate-limit.guard';
import { RegistrationService } from './registration.service';
import { stageAudit } from '../common/http/audit-stage';

const METADATA_SCHEMA = {
  schema: {
    type: 'object',
    required: ['client_name', 'scope'],
    properties: {
      client_name: { type: 'string', example: 'Ward dashboard' },
      scope: { type: 'string', example: 'patient/Patient.read' },
      grant_types: { type: 'array', items: { type: 'string', enum: [...GRANT_TYPES] } },
      token_endpoint_auth_method: { type: 'string', enum: [...TOKEN_ENDPOINT_AUTH_METHODS] },
      redirect_uris: { type: 'array', items: { type: 'string' }, example: ['https://app.example.org/callback'] },
      launch_uri: { type: 'string', description: 'SMART EHR launch URL (initiate_login_uri is a synonym)' },
      token_endpoint_auth_signing_alg: { type: 'string', enum: [...TOKEN_ENDPOINT_AUTH_SIGNING_ALGS] },
      jwks: { type: 'object', description: 'Public keys (JWK Set) for private_key_jwt' },
      jwks_uri: { type: 'string', description: 'https URL of the JWK Set, on an allowed host' },
    },
  },
};

@ApiTags('registration')
@UseGuards(RegistrationRateLimitGuard)
@Controller('auth/register')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @ApiOperation({
    summary: 'Dynamic client registration (RFC 7591)',
    description:
      'Subject to the registration policy: closed (403), initial-token (Authorization: Bearer <initial access token>) or open-with-approval (the client stays pending until approved).',
  })
  @ApiBody(METADATA_SCHEMA)
  @Public()
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async register(
    @JsonBody() body: unknown,
    @BearerToken() initialAccessToken: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<ClientRegistration> {
    const registered = await this.registration.register(body, initialAccessToken);
    stageAudit(request, { client_id: registered.client_id });
    return registered;
  }

  @ApiOperation({
    summary: 'Read a registration (RFC 7592 §2.1), with Authorization: Bearer <registration access token>',
  })
  @RegistrationAccess()
  @Get(':clientId')
  @Header('Cache-Control', 'no-store')
  read(@RegisteredClient() client: Client): ClientRegistration {
    return this.registration.read(client);
  }

  @ApiOperation({ summary: 'Replace a registration (RFC 7592 §2.2); the body carries client_id and all metadata' })
  @ApiBody(METADATA_SCHEMA)
  @RegistrationAccess()
  @Put(':clientId')
  @Header('Cache-Control', 'no-store')
  update(@RegisteredClient() client: Client, @JsonBody() body: unknown): Promise<ClientRegistration> {
    return this.registration.update(client, body);
  }

  @ApiOperation({ summary: 'Delete a registration (RFC 7592 §2.3)' })
  @RegistrationAccess()
  @Delete(':clientId')
  @HttpCode(204)
  remove(@RegisteredClient() client: Client): Promise<void> {
    return this.registration.remove(client);
  }
}

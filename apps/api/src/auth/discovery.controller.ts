import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Public } from '../common/decorators/public.decorator';
import { ScopesService } from '../scopes/scopes.service';
import {
  CLIENT_ASSERTION_ALGS,
  GRANT_TYPES_SUPPORTED,
  oauthEndpoints,
  TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
} from './oauth-endpoints';

/** Discovery documents, readable by browser apps (CORS: common/http/cors.ts) and cacheable for a few minutes. */
@ApiTags('oauth')
@Controller()
export class DiscoveryController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scopes: ScopesService,
  ) {}

  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @Public()
  @Get('.well-known/oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  async authorizationServer() {
    const e = oauthEndpoints(this.config.publicUrl);
    return {
      issuer: e.issuer,
      token_endpoint: e.token,
      jwks_uri: e.jwks,
      registration_endpoint: e.register,
      revocation_endpoint: e.revoke,
      introspection_endpoint: e.introspect,
      scopes_supported: await this.scopeNames(),
      // No authorization endpoint is served yet, so no response type is supported.
      response_types_supported: [],
      grant_types_supported: GRANT_TYPES_SUPPORTED,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      introspection_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      code_challenge_methods_supported: ['S256'],
      service_documentation: `${this.config.publicUrl}/api/docs`,
    };
  }

  @ApiOperation({ summary: 'SMART App Launch 2.x configuration (also at /fhir/.well-known/smart-configuration)' })
  @Public()
  @Get(['.well-known/smart-configuration', 'fhir/.well-known/smart-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  async smartConfiguration() {
    const e = oauthEndpoints(this.config.publicUrl);
    return {
      issuer: e.issuer,
      jwks_uri: e.jwks,
      token_endpoint: e.token,
      registration_endpoint: e.register,
      revocation_endpoint: e.revoke,
      introspection_endpoint: e.introspect,
      management_endpoint: e.manage,
      grant_types_supported: GRANT_TYPES_SUPPORTED,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      scopes_supported: await this.scopeNames(),
      response_types_supported: [],
      // SMART App Launch 2.x §Capabilities: what a backend client needs to know.
      capabilities: [
        'client-confidential-symmetric',
        'client-confidential-asymmetric',
        'permission-v1',
        'permission-v2',
      ],
      code_challenge_methods_supported: ['S256'],
    };
  }

  private async scopeNames(): Promise<string[]> {
    return (await this.scopes.list()).map((s) => s.scope);
  }
}

import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Public } from '../common/decorators/public.decorator';
import { ScopesService } from '../scopes/scopes.service';
import {
  CLAIMS_SUPPORTED,
  CLIENT_ASSERTION_ALGS,
  GRANT_TYPES_SUPPORTED,
  oauthEndpoints,
  RESPONSE_TYPES_SUPPORTED,
  SMART_CAPABILITIES,
  TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
  TOKEN_ENDPOINT_AUTH_METHODS_WITH_PUBLIC,
} from './oauth-endpoints';
import { SMART_STYLE_PATH } from './grants/person-tokens.service';
import { ID_TOKEN_SIGNING_ALG } from './keys/keys.service';

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
      authorization_endpoint: e.authorize,
      token_endpoint: e.token,
      jwks_uri: e.jwks,
      registration_endpoint: e.register,
      revocation_endpoint: e.revoke,
      introspection_endpoint: e.introspect,
      userinfo_endpoint: e.userinfo,
      scopes_supported: await this.scopeNames(),
      response_types_supported: RESPONSE_TYPES_SUPPORTED,
      grant_types_supported: GRANT_TYPES_SUPPORTED,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_WITH_PUBLIC,
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      revocation_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      introspection_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED,
      code_challenge_methods_supported: ['S256'],
      // RFC 9207 §3: `iss` is in every authorization response.
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${this.config.publicUrl}/api/docs`,
    };
  }

  @ApiOperation({ summary: 'OpenID Provider metadata (OpenID Connect Discovery 1.0 §3); same issuer as RFC 8414' })
  @Public()
  @Get('.well-known/openid-configuration')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', 'public, max-age=300')
  async openidConfiguration() {
    const e = oauthEndpoints(this.config.publicUrl);
    return {
      issuer: e.issuer,
      authorization_endpoint: e.authorize,
      token_endpoint: e.token,
      userinfo_endpoint: e.userinfo,
      jwks_uri: e.jwks,
      registration_endpoint: e.register,
      revocation_endpoint: e.revoke,
      introspection_endpoint: e.introspect,
      scopes_supported: await this.scopeNames(),
      response_types_supported: RESPONSE_TYPES_SUPPORTED,
      grant_types_supported: GRANT_TYPES_SUPPORTED,
      subject_types_supported: ['public'],
      // id_tokens are RS256 whatever ACCESS_TOKEN_SIGNING_ALG says (keys.service.ts); access tokens' alg is in the JWKS.
      id_token_signing_alg_values_supported: [ID_TOKEN_SIGNING_ALG],
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_WITH_PUBLIC,
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      code_challenge_methods_supported: ['S256'],
      claims_supported: CLAIMS_SUPPORTED,
      claims_parameter_supported: false,
      request_parameter_supported: false,
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${this.config.publicUrl}/api/docs`,
    };
  }

  @ApiOperation({ summary: 'The style document SMART apps may follow (SMART App Launch 2.2 §smart_style_url)' })
  @Public()
  @Get(SMART_STYLE_PATH.slice(1))
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cache-Control', 'public, max-age=3600')
  smartStyle() {
    return {
      color_background: '#f8f9fa',
      color_error: '#c92a2a',
      color_highlight: '#228be6',
      color_modal_backdrop: 'rgba(0, 0, 0, 0.45)',
      color_success: '#2b8a3e',
      color_text: '#212529',
      dim_border_radius: '4px',
      dim_font_size: '14px',
      dim_spacing_size: '16px',
      font_family_body: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      font_family_heading: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
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
      authorization_endpoint: e.authorize,
      token_endpoint: e.token,
      userinfo_endpoint: e.userinfo,
      registration_endpoint: e.register,
      revocation_endpoint: e.revoke,
      introspection_endpoint: e.introspect,
      management_endpoint: e.manage,
      grant_types_supported: GRANT_TYPES_SUPPORTED,
      token_endpoint_auth_methods_supported: TOKEN_ENDPOINT_AUTH_METHODS_WITH_PUBLIC,
      token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
      scopes_supported: await this.scopeNames(),
      response_types_supported: RESPONSE_TYPES_SUPPORTED,
      // SMART App Launch 2.2 §Conformance (Capabilities).
      capabilities: SMART_CAPABILITIES,
      code_challenge_methods_supported: ['S256'],
    };
  }

  private async scopeNames(): Promise<string[]> {
    return (await this.scopes.list()).map((s) => s.scope);
  }
}

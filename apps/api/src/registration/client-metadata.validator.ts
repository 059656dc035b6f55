import {
  GRANT_TYPES,
  type GrantType,
  type JwkSet,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
} from '@ccri/contracts';
import { checkClientRules, type SelfServicePolicy } from '../clients/client-rules';
import { invalidClientMetadata, invalidRedirectUri } from './registration.errors';

/** The metadata a self-registering client may set (RFC 7591 §2), normalised and with defaults applied. */
export interface ClientMetadata {
  client_name: string;
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  scope: string;
  jwks: JwkSet | null;
  jwks_uri: string | null;
  token_endpoint_auth_signing_alg: string | null;
  redirect_uris: string[];
  launch_uri: string | null;
}

export type MetadataPolicy = SelfServicePolicy;

/**
 * Reads an RFC 7591 §2 registration request into client metadata and checks it with the rules every client obeys
 * (clients/client-rules.ts) under the self-service policy. Metadata this server does not use (logo_uri, contacts,
 * software_statement, ...) is ignored, as RFC 7591 §2 allows; refusals are `invalid_client_metadata` or
 * `invalid_redirect_uri` naming the offending value.
 */
export function validateClientMetadata(body: unknown, policy: MetadataPolicy): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidClientMetadata('The registration request must be a JSON object of client metadata');
  }
  const m = body as Record<string, unknown>;
  const grant_types = grantTypes(m.grant_types);
  responseTypes(m.response_types, grant_types);
  const metadata: ClientMetadata = {
    client_name: clientName(m.client_name),
    grant_types,
    token_endpoint_auth_method: authMethod(m.token_endpoint_auth_method),
    scope: scope(m.scope),
    jwks: m.jwks === undefined || m.jwks === null ? null : (m.jwks as JwkSet),
    jwks_uri: optionalString(m.jwks_uri, 'jwks_uri', 'jwks_uri must be an https URL'),
    token_endpoint_auth_signing_alg: optionalString(
      m.token_endpoint_auth_signing_alg,
      'token_endpoint_auth_signing_alg',
      'token_endpoint_auth_signing_alg must be a string',
    ),
    redirect_uris: redirectUris(m.redirect_uris),
    // OpenID Connect Registration §2 `initiate_login_uri` is the same URL as SMART's launch URL.
    launch_uri: optionalString(m.launch_uri ?? m.initiate_login_uri, 'launch_uri', 'launch_uri must be a URL'),
  };
  checkClientRules(metadata, policy);
  return metadata;
}

function clientName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidClientMetadata('client_name is required: a name an administrator will recognise');
  if (value.length > 200) throw invalidClientMetadata('client_name must be at most 200 characters');
  return value.trim();
}

function grantTypes(value: unknown): GrantType[] {
  if (value === undefined) return ['client_credentials'];
  if (!Array.isArray(value) || value.length === 0 || !value.every((g) => typeof g === 'string')) {
    throw invalidClientMetadata('grant_types must be a non-empty array of grant type names');
  }
  const refused = value.filter((g) => !GRANT_TYPES.includes(g as GrantType));
  if (refused.length > 0) {
    throw invalidClientMetadata(
      `grant_types: ${refused.join(', ')} not allowed; self-registered clients may use only ${GRANT_TYPES.join(', ')}`,
      'grant_type_not_allowed',
    );
  }
  return [...new Set(value as GrantType[])];
}

/** RFC 7591 §2.1: `code` goes with authorization_code, and nothing else is served (no implicit flow, RFC 9700 §2.1.2). */
function responseTypes(value: unknown, grants: readonly GrantType[]): void {
  if (value === undefined) return;
  const expected = grants.includes('authorization_code') ? ['code'] : [];
  const ok =
    Array.isArray(value) && value.every((r) => typeof r === 'string') && value.every((r) => expected.includes(r));
  if (!ok) {
    throw invalidClientMetadata(
      expected.length
        ? 'response_types may hold only code (the authorization_code grant)'
        : 'response_types must be empty: client_credentials uses no authorization endpoint',
      'response_types_not_allowed',
    );
  }
}

/** RFC 7591 §2: client_secret_basic when omitted. */
function authMethod(value: unknown): TokenEndpointAuthMethod {
  if (value === undefined) return 'client_secret_basic';
  if (typeof value !== 'string' || !TOKEN_ENDPOINT_AUTH_METHODS.includes(value as TokenEndpointAuthMethod)) {
    throw invalidClientMetadata(`token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);
  }
  return value as TokenEndpointAuthMethod;
}

function scope(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidClientMetadata('scope is required: the space-separated SMART scopes the client needs');
  }
  return [...new Set(value.split(/\s+/).filter(Boolean))].join(' ');
}

function redirectUris(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRedirectUri('redirect_uris must be an array of URLs');
  return value as string[];
}

function optionalString(value: unknown, name: string, message: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidClientMetadata(`${name}: ${message}`);
  return value;
}

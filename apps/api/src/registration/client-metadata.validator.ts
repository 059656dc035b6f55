import type { GrantType, TokenEndpointAuthMethod } from '@ccri/contracts';
import { covers, parseScopes } from '@ccri/smart-scopes';
import { invalidClientMetadata, invalidRedirectUri } from './registration.errors';

export type JwkSet = { keys: Record<string, unknown>[] };

/** The metadata a self-registering client may set (RFC 7591 §2), normalised and with defaults applied. */
export interface ClientMetadata {
  client_name: string;
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  scope: string;
  jwks: JwkSet | null;
  jwks_uri: string | null;
}

export interface MetadataPolicy {
  /** Scopes the client may ask for: the self-service allow-list (on update, plus what the client already holds). */
  allowedScopes: readonly string[];
  /** Hosts the server fetches `jwks_uri` key sets from (JWKS_URI_ALLOWED_HOSTS). */
  jwksUriAllowedHosts: readonly string[];
}

const SELF_SERVICE_GRANTS: readonly GrantType[] = ['client_credentials'];
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
];
/** RFC 7518 §6.2.2 and §6.3.2: members that carry private key material (`k` is a symmetric key, RFC 7518 §6.4.1). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const EC_CURVES = ['P-256', 'P-384', 'P-521'];
const MAX_KEYS = 10;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Checks a registration request (RFC 7591 §2, §3.1) against what self-registered clients may have, and returns the
 * metadata to register. Metadata this server does not use (logo_uri, contacts, software_statement, ...) is ignored,
 * as RFC 7591 §2 allows; refusals are `invalid_client_metadata` or `invalid_redirect_uri` naming the offending value.
 */
export function validateClientMetadata(body: unknown, policy: MetadataPolicy): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidClientMetadata('The registration request must be a JSON object of client metadata');
  }
  const m = body as Record<string, unknown>;
  if (m.redirect_uris !== undefined) checkRedirectUris(m.redirect_uris);
  const token_endpoint_auth_method = authMethod(m.token_endpoint_auth_method);
  const { jwks, jwks_uri } = keys(m.jwks, m.jwks_uri, policy.jwksUriAllowedHosts);
  if (token_endpoint_auth_method === 'private_key_jwt' && !jwks && !jwks_uri) {
    throw invalidClientMetadata(
      'private_key_jwt needs the public keys: send jwks (an inline JWK Set) or jwks_uri',
      'missing_client_keys',
    );
  }
  return {
    client_name: clientName(m.client_name),
    grant_types: grantTypes(m.grant_types, m.response_types),
    token_endpoint_auth_method,
    scope: scope(m.scope, policy.allowedScopes),
    jwks,
    jwks_uri,
  };
}

function clientName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidClientMetadata('client_name is required: a name an administrator will recognise');
  if (value.length > 200) throw invalidClientMetadata('client_name must be at most 200 characters');
  return value.trim();
}

/** RFC 7591 §2.1: grant_types and response_types must agree; only client_credentials is offered for self-service. */
function grantTypes(value: unknown, responseTypes: unknown): GrantType[] {
  if (responseTypes !== undefined && !(Array.isArray(responseTypes) && responseTypes.length === 0)) {
    throw invalidClientMetadata(
      'response_types must be empty: client_credentials uses no authorization endpoint',
      'response_types_not_allowed',
    );
  }
  if (value === undefined) return [...SELF_SERVICE_GRANTS];
  if (!Array.isArray(value) || value.length === 0 || !value.every((g) => typeof g === 'string')) {
    throw invalidClientMetadata('grant_types must be a non-empty array of grant type names');
  }
  const refused = value.filter((g) => !SELF_SERVICE_GRANTS.includes(g as GrantType));
  if (refused.length > 0) {
    throw invalidClientMetadata(
      `grant_types: ${refused.join(', ')} not allowed; self-registered clients may use only client_credentials`,
      'grant_type_not_allowed',
    );
  }
  return [...new Set(value as GrantType[])];
}

/** RFC 7591 §2: client_secret_basic when omitted; `none` is refused, a client_credentials client must authenticate. */
function authMethod(value: unknown): TokenEndpointAuthMethod {
  if (value === undefined) return 'client_secret_basic';
  if (typeof value !== 'string' || !AUTH_METHODS.includes(value as TokenEndpointAuthMethod)) {
    throw invalidClientMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  }
  return value as TokenEndpointAuthMethod;
}

function keys(
  jwks: unknown,
  jwksUri: unknown,
  allowedHosts: readonly string[],
): { jwks: JwkSet | null; jwks_uri: string | null } {
  // RFC 7591 §2: jwks_uri and jwks MUST NOT both be present.
  if (jwks !== undefined && jwks !== null && jwksUri !== undefined && jwksUri !== null) {
    throw invalidClientMetadata('Send either jwks or jwks_uri, not both');
  }
  if (jwks !== undefined && jwks !== null) return { jwks: jwkSet(jwks), jwks_uri: null };
  if (jwksUri !== undefined && jwksUri !== null) return { jwks: null, jwks_uri: httpsJwksUri(jwksUri, allowedHosts) };
  return { jwks: null, jwks_uri: null };
}

/** RFC 7517 §5: a JWK Set of public signature keys only (RFC 7518 §6.2.1 EC, §6.3.1 RSA). */
function jwkSet(value: unknown): JwkSet {
  const set = value as { keys?: unknown };
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray(set.keys) || set.keys.length === 0) {
    throw invalidClientMetadata('jwks must be a JWK Set: {"keys": [ ... ]} with at least one key');
  }
  if (set.keys.length > MAX_KEYS) throw invalidClientMetadata(`jwks may hold at most ${MAX_KEYS} keys`);
  set.keys.forEach((key: unknown, i) => {
    const at = `jwks.keys[${i}]`;
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw invalidClientMetadata(`${at} must be a JWK object`);
    const jwk = key as Record<string, unknown>;
    const secret = PRIVATE_JWK_MEMBERS.filter((name) => name in jwk);
    if (secret.length > 0) {
      throw invalidClientMetadata(
        `${at} holds private key material (${secret.join(', ')}); register the public key only`,
        'private_key_in_jwks',
      );
    }
    const required = jwk.kty === 'RSA' ? ['n', 'e'] : jwk.kty === 'EC' ? ['crv', 'x', 'y'] : null;
    if (!required) throw invalidClientMetadata(`${at}: kty must be RSA or EC`);
    const missing = required.filter((name) => typeof jwk[name] !== 'string' || jwk[name] === '');
    if (missing.length > 0) throw invalidClientMetadata(`${at} lacks ${missing.join(', ')}`);
    if (jwk.kty === 'EC' && !EC_CURVES.includes(jwk.crv as string))
      throw invalidClientMetadata(`${at}: crv must be one of ${EC_CURVES.join(', ')}`);
  });
  return { keys: set.keys as Record<string, unknown>[] };
}

function httpsJwksUri(value: unknown, allowedHosts: readonly string[]): string {
  const url = typeof value === 'string' && value.length <= 2000 && URL.canParse(value) ? new URL(value) : null;
  if (!url || url.protocol !== 'https:') throw invalidClientMetadata('jwks_uri must be an https URL');
  if (!allowedHosts.includes(url.host.toLowerCase())) {
    throw invalidClientMetadata(
      `jwks_uri host ${url.host} is not one this server fetches keys from; send jwks inline instead`,
      'jwks_uri_host_not_allowed',
    );
  }
  return value as string;
}

/** RFC 6749 §3.1.2: absolute, no fragment; https, or http on the loopback interface (RFC 8252 §7.3). */
function checkRedirectUris(value: unknown): void {
  if (!Array.isArray(value)) throw invalidRedirectUri('redirect_uris must be an array of URLs');
  for (const uri of value) {
    const url = typeof uri === 'string' && URL.canParse(uri) ? new URL(uri) : null;
    if (!url) throw invalidRedirectUri(`redirect_uris: ${String(uri)} is not an absolute URL`);
    if (url.hash) throw invalidRedirectUri(`redirect_uris: ${uri} must not have a fragment`);
    const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname);
    if (url.protocol !== 'https:' && !loopback)
      throw invalidRedirectUri(`redirect_uris: ${uri} must use https (http only on localhost)`);
  }
}

/** Every requested scope must parse and be covered by an allowed one (DESIGN.md: self-registered clients ask only for allowed scopes). */
function scope(value: unknown, allowed: readonly string[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalidClientMetadata('scope is required: the space-separated SMART scopes the client needs');
  }
  if (value.length > 4000) throw invalidClientMetadata('scope must be at most 4000 characters');
  const requested = parseScopes(value);
  if (requested.invalid.length > 0)
    throw invalidClientMetadata(`scope has entries that are not SMART scopes: ${requested.invalid.join(' ')}`);
  const allowedScopes = parseScopes(allowed.join(' ')).scopes;
  const refused = requested.scopes.filter((s) => !allowedScopes.some((a) => covers(a, s))).map((s) => s.raw);
  if (refused.length > 0) {
    throw invalidClientMetadata(
      `scope not allowed for self-registered clients: ${refused.join(' ')}`,
      'scope_not_allowed',
    );
  }
  return requested.scopes.map((s) => s.raw).join(' ');
}

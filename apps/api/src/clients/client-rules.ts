import {
  GRANT_TYPES,
  type GrantType,
  type JwkSet,
  TOKEN_ENDPOINT_AUTH_SIGNING_ALGS,
  type TokenEndpointAuthMethod,
} from '@ccri/contracts';
import { covers, parseScopes } from '@ccri/smart-scopes';
import { DomainError } from '../common/errors/domain-error';

/**
 * The rules every client obeys, whichever door it came in by (management API, RFC 7591 registration, developer
 * portal). ClientsService applies them; the doors only turn their input into this shape. A refusal is one
 * DomainError that each surface renders in its own way: `invalid_client_metadata` / `invalid_redirect_uri`
 * (RFC 7591 §3.2.2) on /auth, problem details with field-level messages on /api.
 */
export interface ClientRulesInput {
  grant_types: readonly string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  scope: string;
  jwks: unknown;
  jwks_uri: string | null;
  token_endpoint_auth_signing_alg: string | null;
  redirect_uris: readonly unknown[];
  launch_uri: string | null;
}

/** What self-registered clients (RFC 7591 and the developer portal) are limited to, besides the rules for all. */
export interface SelfServicePolicy {
  /** Scopes the client may ask for: the self-service allow-list (on update, plus what the client already holds). */
  allowedScopes: readonly string[];
  /** Hosts the server fetches `jwks_uri` key sets from (JWKS_URI_ALLOWED_HOSTS). */
  jwksUriAllowedHosts: readonly string[];
}

/** RFC 7518 §6.2.2, §6.3.2 and §6.4.1: members that carry private or symmetric key material. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const EC_CURVES = ['P-256', 'P-384', 'P-521'];
const MAX_KEYS = 10;
const MAX_REDIRECT_URIS = 20;
const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** Schemes a browser would run or read locally instead of navigating to an app. */
const FORBIDDEN_SCHEMES = ['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'filesystem:'];
const SECRET_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token'];

interface Violation {
  message: string;
  fields: { field: string; message: string }[];
  oauthError?: 'invalid_client_metadata' | 'invalid_redirect_uri';
  auditReason?: string;
}

/** The error a broken rule raises: `validation_failed` with field messages, `invalid_client_metadata` for OAuth. */
export function ruleViolation(v: Violation): DomainError {
  const oauthError = v.oauthError ?? 'invalid_client_metadata';
  return new DomainError(400, 'validation_failed', v.message, {
    fieldErrors: v.fields,
    oauthError,
    fhirIssue: 'invalid',
    auditReason: v.auditReason ?? oauthError,
  });
}

const refuse = (field: string, message: string, fieldMessage = message, auditReason?: string) =>
  ruleViolation({ message, fields: [{ field, message: fieldMessage }], auditReason });

/** Checks a client's complete metadata; throws the first broken rule. */
export function checkClientRules(m: ClientRulesInput, selfService?: SelfServicePolicy): void {
  checkScope(m.scope, selfService?.allowedScopes);
  checkGrants(m.grant_types, m.token_endpoint_auth_method, m.redirect_uris.length);
  m.redirect_uris.forEach(checkRedirectUri);
  if (m.redirect_uris.length > MAX_REDIRECT_URIS) {
    throw refuse('redirect_uris', `redirect_uris may hold at most ${MAX_REDIRECT_URIS} URIs`);
  }
  if (m.launch_uri !== null) checkLaunchUri(m.launch_uri);
  checkKeys(m, selfService);
}

/** A SMART scope string's syntax problem, or null (the management DTO reports it beside its other field errors). */
export function scopeSyntaxProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'scope must list at least one SMART scope';
  if (value.length > 4000) return 'scope must be at most 4000 characters';
  const invalid = parseScopes(value).invalid;
  return invalid.length > 0 ? `scope has entries that are not SMART scopes: ${invalid.join(' ')}` : null;
}

function checkScope(scope: string, allowList: readonly string[] | undefined): void {
  if (typeof scope !== 'string' || scope.trim() === '') {
    throw refuse('scope', 'scope is required: the space-separated SMART scopes the client needs');
  }
  const problem = scopeSyntaxProblem(scope);
  if (problem) throw refuse('scope', problem);
  if (!allowList) return;
  // DESIGN.md: self-registered clients ask only for allowed scopes (an allowed wildcard covers a narrower one).
  const allowed = parseScopes(allowList.join(' ')).scopes;
  const refused = parseScopes(scope)
    .scopes.filter((s) => !allowed.some((a) => covers(a, s)))
    .map((s) => s.raw)
    .join(' ');
  if (refused) {
    throw refuse(
      'scope',
      `scope not allowed for self-registered clients: ${refused}`,
      `not offered for self-service registration: ${refused}`,
      'scope_not_allowed',
    );
  }
}

function checkGrants(grants: readonly string[], method: TokenEndpointAuthMethod, redirectCount: number): void {
  const unknown = grants.filter((g) => !GRANT_TYPES.includes(g as GrantType));
  if (grants.length === 0 || unknown.length > 0) {
    throw refuse(
      'grant_types',
      `grant_types: ${unknown.join(', ') || '(none)'} not allowed; clients may use only ${GRANT_TYPES.join(', ')}`,
      `must be a non-empty list of ${GRANT_TYPES.join(', ')}`,
      'grant_type_not_allowed',
    );
  }
  // RFC 6749 §2.1 and §4.4: a public client cannot authenticate, so it never gets a client_credentials token.
  if (method === 'none' && grants.some((g) => !SECRET_GRANTS.includes(g as GrantType))) {
    throw ruleViolation({
      message: 'A public client (token_endpoint_auth_method none) may use only authorization_code and refresh_token',
      fields: [
        { field: 'token_endpoint_auth_method', message: 'none allows only authorization_code and refresh_token' },
        { field: 'grant_types', message: 'client_credentials needs a client that authenticates' },
      ],
      auditReason: 'public_client_grant',
    });
  }
  // RFC 6749 §6: a refresh token is issued with an authorization code; this server issues no other kind.
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) {
    throw refuse('grant_types', 'refresh_token needs the authorization_code grant', undefined, 'refresh_without_code');
  }
  // RFC 9700 §2.1: redirect URIs are registered and compared exactly, so the code flow needs at least one.
  if (grants.includes('authorization_code') && redirectCount === 0) {
    throw ruleViolation({
      message: 'The authorization_code grant needs at least one redirect URI in redirect_uris',
      fields: [
        { field: 'redirect_uris', message: 'at least one is required for the authorization_code grant' },
        { field: 'grant_types', message: 'authorization_code needs at least one redirect URI' },
      ],
      oauthError: 'invalid_redirect_uri',
      auditReason: 'invalid_redirect_uri',
    });
  }
}

const redirectRefusal = (message: string) =>
  ruleViolation({
    message,
    fields: [{ field: 'redirect_uris', message }],
    oauthError: 'invalid_redirect_uri',
    auditReason: 'invalid_redirect_uri',
  });

/**
 * RFC 6749 §3.1.2: absolute, no fragment. RFC 9700 §2.1 / RFC 8252 §7.3: https, or http only on the loopback
 * interface. RFC 8252 §7.1: a native app's private-use scheme (reverse domain name, `com.example.app:/cb`).
 */
export function checkRedirectUri(uri: unknown): void {
  const url = typeof uri === 'string' && uri.length <= MAX_URI_LENGTH && URL.canParse(uri) ? new URL(uri) : null;
  if (!url) throw redirectRefusal(`redirect_uris: ${String(uri).slice(0, 200)} is not an absolute URL`);
  if (url.hash || (uri as string).includes('#')) {
    throw redirectRefusal(`redirect_uris: ${uri as string} must not have a fragment`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)) return;
  const privateUse = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol);
  if (privateUse && !FORBIDDEN_SCHEMES.includes(url.protocol)) return;
  throw redirectRefusal(
    `redirect_uris: ${uri as string} must use https (http only on localhost; a native app a reverse-domain scheme such as com.example.app:/callback)`,
  );
}

/** SMART App Launch §EHR launch: the EHR opens this URL in a browser, so it is https (http only on localhost). */
function checkLaunchUri(uri: string): void {
  const url = uri.length <= MAX_URI_LENGTH && URL.canParse(uri) ? new URL(uri) : null;
  const ok =
    url !== null &&
    !url.hash &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)));
  if (!ok) {
    throw refuse('launch_uri', 'launch_uri must be an absolute https URL without a fragment (http only on localhost)');
  }
}

function checkKeys(m: ClientRulesInput, selfService: SelfServicePolicy | undefined): void {
  const hasJwks = m.jwks !== undefined && m.jwks !== null;
  // RFC 7591 §2: jwks_uri and jwks MUST NOT both be present.
  if (hasJwks && m.jwks_uri) throw refuse('jwks', 'Send either jwks or jwks_uri, not both');
  if (hasJwks) checkJwkSet(m.jwks);
  if (m.jwks_uri && selfService) checkSelfServiceJwksUri(m.jwks_uri, selfService.jwksUriAllowedHosts);
  if (m.token_endpoint_auth_method === 'private_key_jwt' && !hasJwks && !m.jwks_uri) {
    throw refuse(
      'jwks',
      'private_key_jwt needs the public keys: send jwks (an inline JWK Set) or jwks_uri',
      'jwks or jwks_uri is required for private_key_jwt',
      'missing_client_keys',
    );
  }
  const alg = m.token_endpoint_auth_signing_alg;
  if (alg !== null) {
    // OpenID Connect Dynamic Client Registration §2: the alg of the client's private_key_jwt assertions.
    if (m.token_endpoint_auth_method !== 'private_key_jwt') {
      throw refuse(
        'token_endpoint_auth_signing_alg',
        'token_endpoint_auth_signing_alg applies only to private_key_jwt',
      );
    }
    if (!(TOKEN_ENDPOINT_AUTH_SIGNING_ALGS as readonly string[]).includes(alg)) {
      throw refuse(
        'token_endpoint_auth_signing_alg',
        `token_endpoint_auth_signing_alg must be one of ${TOKEN_ENDPOINT_AUTH_SIGNING_ALGS.join(', ')}`,
      );
    }
  }
}

/** RFC 7517 §5: a JWK Set of public signature keys only (RFC 7518 §6.2.1 EC, §6.3.1 RSA; RFC 8037 §2 OKP). */
function checkJwkSet(value: unknown): asserts value is JwkSet {
  const set = value as { keys?: unknown };
  if (typeof value !== 'object' || Array.isArray(value) || !Array.isArray(set.keys) || set.keys.length === 0) {
    throw refuse(
      'jwks',
      'jwks must be a JWK Set: {"keys": [ ... ]} with at least one key',
      'must be a JWK Set: {"keys": [ ... ]} with at least one key',
    );
  }
  if (set.keys.length > MAX_KEYS) throw refuse('jwks', `jwks may hold at most ${MAX_KEYS} keys`);
  set.keys.forEach((key: unknown, i) => {
    const at = `jwks.keys[${i}]`;
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw refuse('jwks', `${at} must be a JWK object`);
    const jwk = key as Record<string, unknown>;
    const secret = PRIVATE_JWK_MEMBERS.filter((name) => name in jwk);
    if (secret.length > 0) {
      throw refuse(
        'jwks',
        `${at} holds private key material (${secret.join(', ')}); register the public key only`,
        `${at} holds private key material; register the public keys only`,
        'private_key_in_jwks',
      );
    }
    const required =
      jwk.kty === 'RSA' ? ['n', 'e'] : jwk.kty === 'EC' ? ['crv', 'x', 'y'] : jwk.kty === 'OKP' ? ['crv', 'x'] : null;
    if (!required) throw refuse('jwks', `${at}: kty must be RSA, EC or OKP`);
    const missing = required.filter((name) => typeof jwk[name] !== 'string' || jwk[name] === '');
    if (missing.length > 0) throw refuse('jwks', `${at} lacks ${missing.join(', ')}`);
    if (jwk.kty === 'EC' && !EC_CURVES.includes(jwk.crv as string))
      throw refuse('jwks', `${at}: crv must be one of ${EC_CURVES.join(', ')}`);
    if (jwk.kty === 'OKP' && jwk.crv !== 'Ed25519') throw refuse('jwks', `${at}: an OKP key must be on Ed25519`);
  });
}

/** The server fetches a self-registered client's keys only over https from hosts an administrator allowed. */
function checkSelfServiceJwksUri(value: string, allowedHosts: readonly string[]): void {
  const url = value.length <= MAX_URI_LENGTH && URL.canParse(value) ? new URL(value) : null;
  if (!url || url.protocol !== 'https:') throw refuse('jwks_uri', 'jwks_uri must be an https URL');
  if (!allowedHosts.includes(url.host.toLowerCase())) {
    throw refuse(
      'jwks_uri',
      `jwks_uri host ${url.host} is not one this server fetches keys from; send jwks inline instead`,
      undefined,
      'jwks_uri_host_not_allowed',
    );
  }
}

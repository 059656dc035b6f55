import { DomainError } from '../common/errors/domain-error';
import { validateClientMetadata, type MetadataPolicy } from './client-metadata.validator';

const policy: MetadataPolicy = {
  allowedScopes: ['profile', 'patient/*.read', 'user/Patient.read'],
  jwksUriAllowedHosts: ['keys.example.org'],
};
const base = { client_name: 'Ward app', scope: 'profile' };
const rsa = { kty: 'RSA', n: 'sXch', e: 'AQAB', kid: 'k1', alg: 'RS384' };
const ec = { kty: 'EC', crv: 'P-384', x: 'abc', y: 'def' };

function refusal(body: unknown): { error: string; description: string; reason?: string } {
  try {
    validateClientMetadata(body, policy);
  } catch (e) {
    const d = e as DomainError;
    return { error: d.options.oauthError ?? '', description: d.message, reason: d.options.auditReason };
  }
  throw new Error('expected a refusal');
}

describe('validateClientMetadata', () => {
  it.each([
    [
      'the minimum, with defaults',
      base,
      {
        client_name: 'Ward app',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'profile',
        jwks: null,
        jwks_uri: null,
      },
    ],
    [
      'a narrower scope under an allowed wildcard',
      { ...base, scope: 'patient/Condition.read patient/Patient.rs' },
      { scope: 'patient/Condition.read patient/Patient.rs' },
    ],
    ['a v2 subset of an allowed v1 scope', { ...base, scope: 'user/Patient.r' }, { scope: 'user/Patient.r' }],
    [
      'duplicate scopes and grant types, once',
      { ...base, scope: 'profile  profile', grant_types: ['client_credentials', 'client_credentials'] },
      { scope: 'profile', grant_types: ['client_credentials'] },
    ],
    ['a trimmed client_name', { ...base, client_name: '  Ward app ' }, { client_name: 'Ward app' }],
    [
      'client_secret_post',
      { ...base, token_endpoint_auth_method: 'client_secret_post' },
      { token_endpoint_auth_method: 'client_secret_post' },
    ],
    [
      'private_key_jwt with inline RSA and EC public keys',
      { ...base, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [rsa, ec] } },
      { jwks: { keys: [rsa, ec] }, jwks_uri: null },
    ],
    [
      'private_key_jwt with an https jwks_uri on an allowed host',
      { ...base, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://keys.example.org/jwks.json' },
      { jwks: null, jwks_uri: 'https://keys.example.org/jwks.json' },
    ],
    [
      'https and loopback redirect URIs',
      { ...base, redirect_uris: ['https://app.example.org/cb', 'http://localhost:8080/cb', 'http://127.0.0.1/cb'] },
      {},
    ],
    ['an empty response_types', { ...base, response_types: [] }, {}],
    [
      'a SMART app: authorization_code and refresh_token with a redirect URI, response_types code',
      {
        ...base,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: ['https://app.example.org/cb'],
        launch_uri: 'https://app.example.org/launch',
      },
      {
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['https://app.example.org/cb'],
        launch_uri: 'https://app.example.org/launch',
      },
    ],
    [
      'a public native app with a private-use scheme, and initiate_login_uri as launch_uri',
      {
        ...base,
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
        redirect_uris: ['org.example.app:/callback'],
        initiate_login_uri: 'https://app.example.org/launch',
      },
      { token_endpoint_auth_method: 'none', launch_uri: 'https://app.example.org/launch' },
    ],
    [
      'token_endpoint_auth_signing_alg with private_key_jwt',
      {
        ...base,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [ec] },
        token_endpoint_auth_signing_alg: 'ES384',
      },
      { token_endpoint_auth_signing_alg: 'ES384' },
    ],
    [
      'unknown and admin-only metadata, ignored',
      { ...base, logo_uri: 'x', patient: 'p1', rate_limit_per_minute: 1e9, software_statement: 'eyJ...' },
      { client_name: 'Ward app' },
    ],
  ])('accepts %s', (_name, body, expected) => {
    const result = validateClientMetadata(body, policy);
    expect(result).toMatchObject(expected);
    expect(Object.keys(result).sort()).toEqual([
      'client_name',
      'grant_types',
      'jwks',
      'jwks_uri',
      'launch_uri',
      'redirect_uris',
      'scope',
      'token_endpoint_auth_method',
      'token_endpoint_auth_signing_alg',
    ]);
  });

  it.each([
    ['a body that is not an object', ['client_name'], 'invalid_client_metadata', /JSON object/],
    ['a missing client_name', { scope: 'profile' }, 'invalid_client_metadata', /client_name is required/],
    ['a blank client_name', { ...base, client_name: '  ' }, 'invalid_client_metadata', /client_name is required/],
    ['a long client_name', { ...base, client_name: 'x'.repeat(201) }, 'invalid_client_metadata', /at most 200/],
    ['a missing scope', { client_name: 'x' }, 'invalid_client_metadata', /scope is required/],
    [
      'a malformed scope',
      { ...base, scope: 'profile patient/Patient.fly' },
      'invalid_client_metadata',
      /not SMART scopes: patient\/Patient\.fly/,
    ],
    [
      'a scope outside the allow-list',
      { ...base, scope: 'profile system/Patient.read' },
      'invalid_client_metadata',
      /not allowed for self-registered clients: system\/Patient\.read$/,
    ],
    [
      'a wider scope than allowed',
      { ...base, scope: 'patient/*.write' },
      'invalid_client_metadata',
      /not allowed.*patient\/\*\.write/,
    ],
    [
      'the password grant',
      { ...base, grant_types: ['password'] },
      'invalid_client_metadata',
      /password not allowed; self-registered clients may use only client_credentials/,
    ],
    [
      'implicit beside client_credentials',
      { ...base, grant_types: ['client_credentials', 'implicit'] },
      'invalid_client_metadata',
      /implicit not allowed/,
    ],
    [
      'authorization_code without a redirect URI',
      { ...base, grant_types: ['authorization_code'] },
      'invalid_redirect_uri',
      /authorization_code grant needs at least one redirect URI/,
    ],
    [
      'refresh_token without authorization_code',
      { ...base, grant_types: ['client_credentials', 'refresh_token'] },
      'invalid_client_metadata',
      /refresh_token needs the authorization_code grant/,
    ],
    [
      'response_types other than code',
      {
        ...base,
        grant_types: ['authorization_code'],
        redirect_uris: ['https://a.example/cb'],
        response_types: ['token'],
      },
      'invalid_client_metadata',
      /only code/,
    ],
    [
      'a signing alg without private_key_jwt',
      { ...base, token_endpoint_auth_signing_alg: 'RS384' },
      'invalid_client_metadata',
      /applies only to private_key_jwt/,
    ],
    [
      'an unknown signing alg',
      {
        ...base,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsa] },
        token_endpoint_auth_signing_alg: 'HS256',
      },
      'invalid_client_metadata',
      /must be one of RS256/,
    ],
    [
      'an http launch_uri',
      { ...base, launch_uri: 'http://app.example.org/launch' },
      'invalid_client_metadata',
      /launch_uri must be an absolute https URL/,
    ],
    ['an empty grant_types', { ...base, grant_types: [] }, 'invalid_client_metadata', /non-empty array/],
    [
      'grant_types as a string',
      { ...base, grant_types: 'client_credentials' },
      'invalid_client_metadata',
      /non-empty array/,
    ],
    [
      'response_types for an authorization endpoint',
      { ...base, response_types: ['code'] },
      'invalid_client_metadata',
      /response_types must be empty/,
    ],
    [
      'a public client with client_credentials',
      { ...base, token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
      /public client .* only authorization_code and refresh_token/,
    ],
    [
      'an unknown token_endpoint_auth_method',
      { ...base, token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
      /token_endpoint_auth_method must be one of/,
    ],
    [
      'private_key_jwt without keys',
      { ...base, token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
      /needs the public keys/,
    ],
    [
      'jwks and jwks_uri together',
      { ...base, jwks: { keys: [rsa] }, jwks_uri: 'https://keys.example.org/jwks.json' },
      'invalid_client_metadata',
      /not both/,
    ],
    ['jwks without keys', { ...base, jwks: { keys: [] } }, 'invalid_client_metadata', /JWK Set/],
    ['jwks as an array', { ...base, jwks: [rsa] }, 'invalid_client_metadata', /JWK Set/],
    [
      'a private RSA key',
      {
        ...base,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...rsa, d: 'secret', p: 'x', q: 'y' }] },
      },
      'invalid_client_metadata',
      /keys\[0\] holds private key material \(d, p, q\)/,
    ],
    [
      'a private EC key after a public one',
      { ...base, jwks: { keys: [rsa, { ...ec, d: 'secret' }] } },
      'invalid_client_metadata',
      /keys\[1\] holds private key material \(d\)/,
    ],
    [
      'a symmetric key',
      { ...base, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      'invalid_client_metadata',
      /private key material \(k\)/,
    ],
    [
      'an unknown key type',
      { ...base, jwks: { keys: [{ kty: 'XYZ', crv: 'Ed25519', x: 'abc' }] } },
      'invalid_client_metadata',
      /kty must be RSA, EC or OKP/,
    ],
    [
      'an RSA key without its modulus',
      { ...base, jwks: { keys: [{ kty: 'RSA', e: 'AQAB' }] } },
      'invalid_client_metadata',
      /lacks n/,
    ],
    [
      'an EC key on an unknown curve',
      { ...base, jwks: { keys: [{ ...ec, crv: 'secp256k1' }] } },
      'invalid_client_metadata',
      /crv must be one of/,
    ],
    ['too many keys', { ...base, jwks: { keys: Array(11).fill(rsa) } }, 'invalid_client_metadata', /at most 10 keys/],
    [
      'an http jwks_uri',
      { ...base, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example.org/jwks.json' },
      'invalid_client_metadata',
      /jwks_uri must be an https URL/,
    ],
    [
      'a jwks_uri that is no URL',
      { ...base, jwks_uri: 'keys' },
      'invalid_client_metadata',
      /jwks_uri must be an https URL/,
    ],
    [
      'a jwks_uri on another host',
      { ...base, jwks_uri: 'https://evil.example.net/jwks.json' },
      'invalid_client_metadata',
      /evil\.example\.net is not one this server fetches keys from/,
    ],
    [
      'redirect_uris that is not an array',
      { ...base, redirect_uris: 'https://app.example.org/cb' },
      'invalid_redirect_uri',
      /must be an array/,
    ],
    [
      'a plain http redirect URI',
      { ...base, redirect_uris: ['http://app.example.org/cb'] },
      'invalid_redirect_uri',
      /must use https/,
    ],
    ['a relative redirect URI', { ...base, redirect_uris: ['/cb'] }, 'invalid_redirect_uri', /not an absolute URL/],
    [
      'a redirect URI with a fragment',
      { ...base, redirect_uris: ['https://app.example.org/cb#x'] },
      'invalid_redirect_uri',
      /fragment/,
    ],
    [
      'a custom-scheme redirect URI',
      { ...base, redirect_uris: ['javascript:alert(1)'] },
      'invalid_redirect_uri',
      /must use https/,
    ],
  ])('refuses %s', (_name, body, error, description) => {
    const r = refusal(body);
    expect(r.error).toBe(error);
    expect(r.description).toMatch(description);
  });

  it.each([
    ['scope_not_allowed', { ...base, scope: 'system/Patient.read' }],
    ['grant_type_not_allowed', { ...base, grant_types: ['password'] }],
    ['private_key_in_jwks', { ...base, jwks: { keys: [{ ...rsa, d: 'x' }] } }],
    ['jwks_uri_host_not_allowed', { ...base, jwks_uri: 'https://evil.example.net/k' }],
    ['invalid_client_metadata', { scope: 'profile' }],
  ])('gives the audit trail the reason %s', (reason, body) => {
    expect(refusal(body).reason).toBe(reason);
  });
});

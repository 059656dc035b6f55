import { DomainError } from '../common/errors/domain-error';
import { checkClientRules, checkRedirectUri, type ClientRulesInput } from './client-rules';

const base: ClientRulesInput = {
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'patient/Patient.read',
  jwks: null,
  jwks_uri: null,
  token_endpoint_auth_signing_alg: null,
  redirect_uris: ['https://app.example.org/cb'],
  launch_uri: null,
};

function refusal(run: () => void): DomainError {
  try {
    run();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §2.1)', () => {
  it.each([
    'https://app.example.org/cb',
    'https://app.example.org:8443/cb?tenant=a',
    'http://localhost:3000/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:8080/cb',
    'com.example.app:/oauth2redirect',
    'org.example.ward-app:/cb',
  ])('accepts %s', (uri) => {
    expect(() => checkRedirectUri(uri)).not.toThrow();
  });

  it.each([
    ['/cb', /not an absolute URL/],
    ['app.example.org/cb', /not an absolute URL/],
    ['https://app.example.org/cb#frag', /fragment/],
    ['https://app.example.org/cb#', /fragment/],
    ['http://app.example.org/cb', /must use https/],
    ['http://localhost.example.org/cb', /must use https/],
    ['myapp:/cb', /must use https/],
    ['javascript:alert(1)', /must use https/],
    ['data:text/html,hi', /must use https/],
    [`https://app.example.org/${'x'.repeat(2000)}`, /not an absolute URL/],
  ])('refuses %s', (uri, message) => {
    const e = refusal(() => checkRedirectUri(uri));
    expect(e.options.oauthError).toBe('invalid_redirect_uri');
    expect(e.message).toMatch(message);
  });
});

describe('checkClientRules', () => {
  it.each([
    ['a confidential SMART app', base],
    [
      'a public app',
      { ...base, token_endpoint_auth_method: 'none' as const, grant_types: ['authorization_code', 'refresh_token'] },
    ],
    ['a backend service', { ...base, grant_types: ['client_credentials'], redirect_uris: [] }],
    [
      'a private_key_jwt client with an EdDSA key and alg',
      {
        ...base,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt' as const,
        jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] },
        token_endpoint_auth_signing_alg: 'EdDSA',
      },
    ],
  ])('accepts %s', (_name, input) => {
    expect(() => checkClientRules(input)).not.toThrow();
  });

  it.each([
    [
      'none with client_credentials',
      { ...base, token_endpoint_auth_method: 'none' as const, grant_types: ['client_credentials'] },
      'grant_types',
    ],
    ['refresh_token alone', { ...base, grant_types: ['refresh_token'] }, 'grant_types'],
    ['authorization_code without redirect URIs', { ...base, redirect_uris: [] }, 'redirect_uris'],
    ['more than 20 redirect URIs', { ...base, redirect_uris: Array(21).fill('https://a.example/cb') }, 'redirect_uris'],
    [
      'a signing alg without private_key_jwt',
      { ...base, token_endpoint_auth_signing_alg: 'RS256' },
      'token_endpoint_auth_signing_alg',
    ],
    ['a launch_uri with a fragment', { ...base, launch_uri: 'https://app.example.org/launch#x' }, 'launch_uri'],
    ['an OKP key off Ed25519', { ...base, jwks: { keys: [{ kty: 'OKP', crv: 'X25519', x: 'a' }] } }, 'jwks'],
  ])('refuses %s, naming the field', (_name, input, field) => {
    const e = refusal(() => checkClientRules(input));
    expect(e.code).toBe('validation_failed');
    expect(e.options.fieldErrors?.map((f) => f.field)).toContain(field);
  });

  it('holds self-registered clients to the allow-list and the key hosts', () => {
    const policy = { allowedScopes: ['patient/*.read'], jwksUriAllowedHosts: ['keys.example.org'] };
    expect(() => checkClientRules(base, policy)).not.toThrow();
    expect(refusal(() => checkClientRules({ ...base, scope: 'system/Patient.read' }, policy)).options.auditReason).toBe(
      'scope_not_allowed',
    );
    const remote = { ...base, jwks_uri: 'https://other.example.org/jwks.json' };
    expect(() => checkClientRules(remote)).not.toThrow();
    expect(refusal(() => checkClientRules(remote, policy)).options.auditReason).toBe('jwks_uri_host_not_allowed');
  });
});

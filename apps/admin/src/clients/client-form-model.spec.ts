import { describe, expect, it } from 'vitest';
import { aClient, RSA_PUBLIC_JWK } from '../test/client-fixture';
import {
  EMPTY_CLIENT,
  toCreateClientRequest,
  toUpdateClientRequest,
  validateClientForm,
  valuesFromClient,
  type ClientFormValues,
} from './client-form-model';
import { validateScope } from './client-validation';

const values = (overrides: Partial<ClientFormValues> = {}): ClientFormValues => ({
  ...EMPTY_CLIENT,
  client_name: 'Lab system',
  scope: 'system/Observation.rs',
  ...overrides,
});

describe('validateScope', () => {
  it.each([
    ['', 'Enter at least one scope'],
    ['   ', 'Enter at least one scope'],
    ['system/Patient.read', undefined],
    ['patient/*.rs openid fhirUser', undefined],
    ['system/Observation.rs?category=laboratory', undefined],
    ['system/patient.read', '"system/patient.read" is not a valid SMART scope'],
    ['system/Patient.read foo user/Patient.rx', 'Not valid SMART scopes: "foo", "user/Patient.rx"'],
  ])('%j → %j', (scope, message) => {
    expect(validateScope(scope)).toBe(message);
  });
});

describe('validateClientForm', () => {
  it('accepts a complete client', () => {
    expect(validateClientForm(values())).toEqual({});
  });

  it.each<[string, Partial<ClientFormValues>, Partial<Record<keyof ClientFormValues, unknown>>]>([
    ['a blank name', { client_name: '  ' }, { client_name: 'Enter a name' }],
    ['a long name', { client_name: 'x'.repeat(201) }, { client_name: 'Use at most 200 characters' }],
    ['no grant type', { grant_types: [] }, { grant_types: 'Choose at least one grant type' }],
    [
      'a refresh token without a code grant',
      { grant_types: ['client_credentials', 'refresh_token'] },
      { grant_types: 'Refresh tokens need the authorization code grant too' },
    ],
    ['a bad patient id', { patient: 'not an id!' }, { patient: expect.stringContaining('Patient id') }],
    [
      'a lifetime under a minute',
      { token_ttl_seconds: '59' },
      { token_ttl_seconds: 'Enter whole seconds from 60 to 86400, or leave it empty' },
    ],
    [
      'a fractional lifetime',
      { token_ttl_seconds: '300.5' },
      { token_ttl_seconds: expect.stringMatching(/whole seconds/) },
    ],
    [
      'a rate limit of zero',
      { rate_limit_per_minute: '0' },
      { rate_limit_per_minute: 'Enter whole requests from 1 to 100000, or leave it empty' },
    ],
    [
      'private_key_jwt without keys',
      { token_endpoint_auth_method: 'private_key_jwt' },
      { jwks: 'Paste the public keys as a JWK Set' },
    ],
    [
      'a JWK Set that is not JSON',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: '{keys:' },
      { jwks: 'This is not valid JSON' },
    ],
    [
      'a JWK Set without keys',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: '{"keys": []}' },
      { jwks: expect.stringMatching(/at least one key/) },
    ],
    [
      'a private key in the JWK Set',
      {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [{ ...RSA_PUBLIC_JWK, d: 'secret' }] }),
      },
      { jwks: 'Remove the private key material (d): register public keys only' },
    ],
    [
      'a JWK Set URL over http',
      {
        token_endpoint_auth_method: 'private_key_jwt',
        key_source: 'jwks_uri',
        jwks_uri: 'http://keys.example.org/jwks',
      },
      { jwks_uri: 'Use an https URL' },
    ],
    [
      'a JWK Set URL that is no URL',
      { token_endpoint_auth_method: 'private_key_jwt', key_source: 'jwks_uri', jwks_uri: 'keys' },
      { jwks_uri: expect.stringMatching(/full URL/) },
    ],
  ])('refuses %s', (_name, overrides, expected) => {
    expect(validateClientForm(values(overrides))).toEqual(expected);
  });

  it('accepts a JWK Set URL on this machine while developing', () => {
    expect(
      validateClientForm(
        values({
          token_endpoint_auth_method: 'private_key_jwt',
          key_source: 'jwks_uri',
          jwks_uri: 'http://localhost:8080/jwks',
        }),
      ),
    ).toEqual({});
  });
});

describe('requests from the form', () => {
  it('creates with normalised scopes and without empty optional fields', () => {
    expect(
      toCreateClientRequest(
        values({ client_name: ' Lab ', scope: ' system/Observation.rs  system/Observation.rs\nopenid ' }),
      ),
    ).toEqual({
      client_name: 'Lab',
      scope: 'system/Observation.rs openid',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      single_active_token: false,
      enabled: true,
    });
  });

  it('creates a Backend Services client with its keys, lifetime and rate limit', () => {
    expect(
      toCreateClientRequest(
        values({
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: JSON.stringify({ keys: [RSA_PUBLIC_JWK] }),
          token_ttl_seconds: '300',
          rate_limit_per_minute: '120',
          patient: 'p-1',
        }),
      ),
    ).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [RSA_PUBLIC_JWK] },
      token_ttl_seconds: 300,
      rate_limit_per_minute: 120,
      patient: 'p-1',
    });
  });

  it('edits by sending only what changed, and null for a cleared setting', () => {
    const client = aClient({ token_ttl_seconds: 600, patient: 'p-1', rate_limit_per_minute: 50 });
    expect(toUpdateClientRequest(client, valuesFromClient(client))).toEqual({});
    expect(
      toUpdateClientRequest(client, {
        ...valuesFromClient(client),
        token_ttl_seconds: '',
        patient: '',
        client_name: 'Renamed',
        rate_limit_per_minute: '50',
      }),
    ).toEqual({
      client_name: 'Renamed',
      patient: null,
      token_ttl_seconds: null,
    });
  });

  it('forgets the keys when a client moves from private_key_jwt to a secret', () => {
    const client = aClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [RSA_PUBLIC_JWK] } });
    expect(
      toUpdateClientRequest(client, { ...valuesFromClient(client), token_endpoint_auth_method: 'client_secret_basic' }),
    ).toEqual({
      token_endpoint_auth_method: 'client_secret_basic',
      jwks: null,
    });
  });
});

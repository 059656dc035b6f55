import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient } from '../test/client-fixture';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aScope } from '../test/fixtures';
import { renderApp } from '../test/render-app';
import {
  EMPTY_CLIENT,
  toCreateClientRequest,
  toUpdateClientRequest,
  validateClientForm,
  validateScope,
  valuesFromClient,
  type ClientFormValues,
} from './client-form';

const signedIn = { path: '/clients/new', signedInAs: 'admin' };
const RSA_JWK = {
  kty: 'RSA',
  n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw',
  e: 'AQAB',
  kid: 'k1',
};

const values = (overrides: Partial<ClientFormValues> = {}): ClientFormValues => ({
  ...EMPTY_CLIENT,
  client_name: 'Lab system',
  scope: 'system/Observation.rs',
  ...overrides,
});

const catalog = [
  aScope({ scope: 'system/Observation.rs', description: 'Read lab results' }),
  aScope({ scope: 'system/Patient.read', description: 'Read patients' }),
];

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
      { token_endpoint_auth_method: 'private_key_jwt', jwks: JSON.stringify({ keys: [{ ...RSA_JWK, d: 'secret' }] }) },
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
          jwks: JSON.stringify({ keys: [RSA_JWK] }),
          token_ttl_seconds: '300',
          rate_limit_per_minute: '120',
          patient: 'p-1',
        }),
      ),
    ).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [RSA_JWK] },
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
    const client = aClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [RSA_JWK] } });
    expect(
      toUpdateClientRequest(client, { ...valuesFromClient(client), token_endpoint_auth_method: 'client_secret_basic' }),
    ).toEqual({
      token_endpoint_auth_method: 'client_secret_basic',
      jwks: null,
    });
  });
});

describe('New client page', () => {
  it('shows field messages instead of sending an incomplete client', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Create client' }));

    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter a name'),
    );
    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter at least one scope'),
    );
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveFocus();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('checks scopes as they are typed', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    const scopes = await screen.findByRole('textbox', { name: /allowed scopes/i });

    await user.type(scopes, 'system/Patient.read bogus');
    await user.tab();
    expect(scopes).toHaveAccessibleDescription(expect.stringContaining('"bogus" is not a valid SMART scope'));
    expect(scopes).toHaveAttribute('aria-invalid', 'true');

    await user.type(scopes, '{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}openid');
    expect(scopes).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText(/is not a valid SMART scope/)).not.toBeInTheDocument();
  });

  it('adds scopes picked from the catalog to the list', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    const picker = await screen.findByRole('combobox', { name: 'Add a scope from the catalog' });

    await user.type(picker, 'Observ');
    await user.click(await screen.findByRole('option', { name: /system\/Observation\.rs/ }));

    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toHaveValue('system/Observation.rs');
    await waitFor(() => expect(picker).toHaveValue(''));
  });

  it('creates the client and shows its secret once', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () =>
          jsonResponse(
            { ...aClient({ client_id: 'generated-id', client_name: 'Lab system' }), client_secret: 's3cr3t-once' },
            201,
          ),
        'GET /api/clients': { items: [], total: 0 },
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.click(screen.getByRole('checkbox', { name: /single active token/i }));
    await user.type(screen.getByRole('textbox', { name: /rate limit/i }), '120');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByLabelText('Client ID')).toHaveValue('generated-id');
    expect(screen.getByLabelText('Client secret')).toHaveValue('s3cr3t-once');
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      client_name: 'Lab system',
      scope: 'system/Observation.rs',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      single_active_token: true,
      enabled: true,
      rate_limit_per_minute: 120,
    });

    await user.click(screen.getByRole('link', { name: 'Back to clients' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(screen.queryByText('s3cr3t-once')).not.toBeInTheDocument();
    expect(JSON.stringify(sessionStorage)).not.toContain('s3cr3t-once');
  });

  it('suggests a 300 s lifetime for private_key_jwt and asks for the public keys', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': (call) =>
          jsonResponse(
            {
              ...aClient({ client_id: 'backend', token_endpoint_auth_method: 'private_key_jwt' }),
              ...(call.body as object),
            },
            201,
          ),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Backend service');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Client authentication' }), 'private_key_jwt');

    const ttl = screen.getByRole('textbox', { name: /token lifetime/i });
    expect(ttl).toHaveValue('300');
    expect(ttl).toHaveAccessibleDescription(expect.stringContaining('SMART Backend Services recommends at most 300 s'));

    await user.click(screen.getByRole('button', { name: 'Create client' }));
    const jwks = screen.getByRole('textbox', { name: /^JWK Set/ });
    expect(jwks).toHaveAccessibleDescription(expect.stringContaining('Paste the public keys as a JWK Set'));
    expect(jwks).toHaveFocus();

    await user.clear(ttl);
    await user.type(ttl, '3600');
    expect(screen.getByRole('note')).toHaveTextContent('Longer than the 300 s SMART Backend Services recommends.');
    await user.click(screen.getByRole('button', { name: 'Use 300 s' }));
    expect(ttl).toHaveValue('300');

    await user.click(jwks);
    await user.paste(JSON.stringify({ keys: [RSA_JWK] }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByText(/authenticates without a shared secret/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [RSA_JWK] },
      token_ttl_seconds: 300,
    });
  });

  it('takes a JWK Set URL instead of pasted keys', async () => {
    const { user } = renderApp(<AppRoutes />, signedIn);
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Client authentication' }), 'private_key_jwt');
    await user.click(screen.getByRole('radio', { name: 'JWK Set URL' }));
    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Backend');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.type(screen.getByRole('textbox', { name: /^JWK Set URL/ }), 'http://keys.example.org/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(screen.getByRole('textbox', { name: /^JWK Set URL/ })).toHaveAccessibleDescription(
      expect.stringContaining('Use an https URL'),
    );
  });

  it('puts the server field messages under their fields', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () =>
          problemResponse(400, 'Bad Request', 'The client is not valid.', [
            { field: 'scope', message: 'scope system/Foo.read names no resource type' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Foo.read');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const scopes = screen.getByRole('textbox', { name: /allowed scopes/i });
    expect(
      await within(scopes.closest('.mantine-InputWrapper-root') as HTMLElement).findByText(/names no resource type/),
    ).toBeInTheDocument();
    expect(scopes).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a general error when the server gives no field', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () => problemResponse(409, 'Conflict', 'A client with this name already exists.'),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'openid');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('A client with this name already exists.');
  });

  it('still takes typed scopes when the catalog cannot be loaded', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': () => problemResponse(500, 'Internal Server Error') }));
    renderApp(<AppRoutes />, signedIn);

    const picker = await screen.findByRole('combobox', { name: 'Add a scope from the catalog' });
    await waitFor(() => expect(picker).toBeDisabled());
    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toBeEnabled();
  });
});

import type { Client } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient } from '../test/client-fixture';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aDirectoryEntry } from '../test/fixtures';
import { renderApp } from '../test/render-app';
import {
  EMPTY_CLIENT,
  toCreateClientRequest,
  toUpdateClientRequest,
  validateClientForm,
  valuesFromClient,
  type ClientFormValues,
} from './client-form-model';

/** Pastes into a field: long values typed key by key are slow on a loaded machine, and add nothing here. */
async function fill(user: UserEvent, field: HTMLElement, text: string) {
  await user.click(field);
  await user.paste(text);
}

const values = (overrides: Partial<ClientFormValues> = {}): ClientFormValues => ({
  ...EMPTY_CLIENT,
  client_name: 'Growth chart',
  scope: 'launch patient/Observation.rs',
  ...overrides,
});

const publicApp = aClient({
  client_id: 'growth-chart',
  client_name: 'Growth Chart',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'launch openid fhirUser patient/Observation.rs',
  redirect_uris: ['https://app.example.org/callback', 'http://localhost:9000/cb'],
  launch_uri: 'https://app.example.org/launch',
});

describe('client form for SMART apps', () => {
  it.each<[string, Partial<ClientFormValues>, Partial<Record<keyof ClientFormValues, unknown>>]>([
    [
      'the code grant without a redirect URI',
      { grant_types: ['authorization_code'] },
      { redirect_uris: 'Enter at least one redirect URI: the authorization code grant needs one' },
    ],
    [
      'a relative redirect URI',
      { grant_types: ['authorization_code'], redirect_uris: 'https://app.example.org/cb\n/callback' },
      { redirect_uris: expect.stringContaining('"/callback" is not an absolute URL') },
    ],
    [
      'a redirect URI with a fragment',
      { grant_types: ['authorization_code'], redirect_uris: 'https://app.example.org/cb#done' },
      { redirect_uris: '"https://app.example.org/cb#done" has a fragment (#…), which is not allowed' },
    ],
    [
      'a launch URI that is no URL',
      { launch_uri: 'app.example.org/launch' },
      { launch_uri: expect.stringContaining('is not an absolute URL') },
    ],
    [
      'client credentials for a public client',
      { client_type: 'public', grant_types: ['client_credentials'] },
      { grant_types: 'A public client cannot use client credentials' },
    ],
  ])('refuses %s', (_name, overrides, expected) => {
    expect(validateClientForm(values(overrides))).toEqual(expected);
  });

  it('sends a public client as none, with its redirect URIs and launch URI and no keys', () => {
    expect(
      toCreateClientRequest(
        values({
          client_type: 'public',
          token_endpoint_auth_method: 'private_key_jwt',
          token_endpoint_auth_signing_alg: 'ES256',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: ' https://app.example.org/cb \n\nhttps://app.example.org/cb\nhttp://localhost:9000/cb',
          launch_uri: 'https://app.example.org/launch',
        }),
      ),
    ).toEqual({
      client_name: 'Growth chart',
      scope: 'launch patient/Observation.rs',
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      redirect_uris: ['https://app.example.org/cb', 'http://localhost:9000/cb'],
      launch_uri: 'https://app.example.org/launch',
      single_active_token: false,
      enabled: true,
    });
  });

  it('edits the new fields by sending only what changed', () => {
    const form = valuesFromClient(publicApp);
    expect(form).toMatchObject({ client_type: 'public', redirect_uris: publicApp.redirect_uris?.join('\n') });
    expect(toUpdateClientRequest(publicApp, form)).toEqual({});
    expect(
      toUpdateClientRequest(publicApp, {
        ...form,
        redirect_uris: 'https://app.example.org/callback',
        launch_uri: '',
      }),
    ).toEqual({ redirect_uris: ['https://app.example.org/callback'], launch_uri: null });
    expect(
      toUpdateClientRequest(publicApp, {
        ...form,
        client_type: 'confidential',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }),
        token_endpoint_auth_signing_alg: 'ES256',
      }),
    ).toEqual({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] },
      token_endpoint_auth_signing_alg: 'ES256',
    });
  });
});

describe('New client page: public apps', () => {
  it('hides the secret settings of a public client, sends none with its redirect URIs and shows no secret', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'POST /api/clients': (call) =>
          jsonResponse({ ...aClient({ client_id: 'generated-id' }), ...(call.body as Partial<Client>) }, 201),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients/new', signedInAs: 'admin' });

    await fill(user, await screen.findByRole('textbox', { name: /^name/i }), 'Growth chart');
    await fill(user, screen.getByRole('textbox', { name: /allowed scopes/i }), 'launch patient/Observation.rs');
    expect(screen.getByRole('combobox', { name: 'Client authentication' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /client credentials/i })).toBeChecked();

    await user.click(screen.getByRole('radio', { name: /^public/i }));
    expect(screen.queryByRole('combobox', { name: 'Client authentication' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: /client credentials/i })).not.toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /authorization code/i })).toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Create client' }));
    const redirects = screen.getByRole('textbox', { name: /redirect uris/i });
    expect(redirects).toHaveAccessibleDescription(expect.stringContaining('Enter at least one redirect URI'));
    expect(redirects).toHaveFocus();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await fill(user, redirects, 'https://app.example.org/cb#x');
    await user.click(screen.getByRole('button', { name: 'Create client' }));
    expect(redirects).toHaveAccessibleDescription(expect.stringContaining('has a fragment'));

    await user.clear(redirects);
    await fill(user, redirects, 'https://app.example.org/cb\nhttp://localhost:9000/cb');
    await fill(user, screen.getByRole('textbox', { name: /launch uri/i }), 'https://app.example.org/launch');
    await user.click(screen.getByRole('checkbox', { name: /refresh token/i }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByText(/authenticates without a shared secret/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Client secret')).not.toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      client_name: 'Growth chart',
      scope: 'launch patient/Observation.rs',
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      redirect_uris: ['https://app.example.org/cb', 'http://localhost:9000/cb'],
      launch_uri: 'https://app.example.org/launch',
      single_active_token: false,
      enabled: true,
    });
  });

  it('offers the signing algorithms for private_key_jwt and sends the one chosen', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'POST /api/clients': (call) => jsonResponse({ ...aClient(), ...(call.body as Partial<Client>) }, 201),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients/new', signedInAs: 'admin' });

    await fill(user, await screen.findByRole('textbox', { name: /^name/i }), 'Backend');
    await fill(user, screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    expect(screen.queryByRole('combobox', { name: /signing algorithm/i })).not.toBeInTheDocument();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Client authentication' }), 'private_key_jwt');
    const alg = screen.getByRole('combobox', { name: /signing algorithm/i });
    expect(
      within(alg)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Any the server accepts', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'ES256', 'ES384', 'EdDSA']);
    await user.selectOptions(alg, 'ES384');
    await user.click(screen.getByRole('radio', { name: 'JWK Set URL' }));
    await fill(user, screen.getByRole('textbox', { name: /^JWK Set URL/ }), 'https://keys.example.org/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://keys.example.org/jwks.json',
      token_endpoint_auth_signing_alg: 'ES384',
    });
  });
});

describe('Client page: EHR launch', () => {
  afterEach(() => vi.restoreAllMocks());

  function server(client: Client) {
    return stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'GET /api/clients/:id': client,
        'GET /api/directory/patients': [
          aDirectoryEntry(),
          aDirectoryEntry({ reference: 'Patient/p-2', display: 'John Smith', nhs_number: '9000000017' }),
        ],
        'POST /api/launches': (call) =>
          (call.body as { patient: string }).patient === 'Patient/p-2'
            ? jsonResponse(
                {
                  launch: 'launch-abc',
                  launch_url: 'https://app.example.org/launch?iss=http%3A%2F%2Flocalhost%2Ffhir&launch=launch-abc',
                  expires_in: 300,
                },
                201,
              )
            : problemResponse(400, 'Bad Request', 'No such patient'),
      }),
    );
  }

  it('shows the redirect URIs and launch URI, and launches the app for a picked patient in a new tab', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const { calls } = server(publicApp);
    const { user } = renderApp(<AppRoutes />, { path: '/clients/growth-chart', signedInAs: 'admin' });

    const redirects = await screen.findByRole('list', { name: 'Redirect URIs' });
    expect(
      within(redirects)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(publicApp.redirect_uris);
    expect(screen.getAllByText('https://app.example.org/launch')[0]).toBeInTheDocument();
    expect(screen.getByText('Public')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Rotate secret…' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Launch…' }));
    const dialog = screen.getByRole('dialog', { name: 'Launch the app' });
    expect(within(dialog).getByRole('button', { name: 'Launch' })).toBeDisabled();
    await user.type(within(dialog).getByRole('searchbox', { name: /search patients/i }), 'smith');
    await user.click(await within(dialog).findByRole('button', { name: /John Smith.*9000000017/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Launch' }));

    const link = await within(dialog).findByRole('link', { name: /launch=launch-abc/ });
    const url = 'https://app.example.org/launch?iss=http%3A%2F%2Flocalhost%2Ffhir&launch=launch-abc';
    expect(link).toHaveAttribute('href', url);
    expect(link).toHaveAttribute('target', '_blank');
    expect(open).toHaveBeenCalledWith(url, '_blank', 'noopener');
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({
      url: expect.objectContaining({ pathname: '/api/launches' }),
      body: { client_id: 'growth-chart', patient: 'Patient/p-2' },
    });
  });

  it('shows a refused launch in the dialog and opens nothing', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    server(publicApp);
    const { user } = renderApp(<AppRoutes />, { path: '/clients/growth-chart', signedInAs: 'admin' });

    await user.click(await screen.findByRole('button', { name: 'Launch…' }));
    const dialog = screen.getByRole('dialog', { name: 'Launch the app' });
    await user.type(within(dialog).getByRole('searchbox', { name: /search patients/i }), 'jane');
    await user.click(await within(dialog).findByRole('button', { name: /Jane Smith/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Launch' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No such patient');
    expect(open).not.toHaveBeenCalled();
  });

  it('offers no launch to a client without a launch URI or the code grant', async () => {
    server(aClient({ launch_uri: 'https://app.example.org/launch' }));
    renderApp(<AppRoutes />, { path: '/clients/patient-access', signedInAs: 'admin' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Patient Access' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Launch…' })).not.toBeInTheDocument());
  });
});

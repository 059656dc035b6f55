import type { Client, PortalRegistrationInfo } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient } from '../test/client-fixture';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aScope } from '../test/fixtures';
import { renderApp } from '../test/render-app';
import { toPortalClientRequest, validatePortalClient, type PortalClientValues } from './portal-client-form';

const as = (path: string) => ({ path, developer: 'dev@example.org' });
const mine = aClient({
  client_id: 'mine-1',
  client_name: 'Lab app',
  scope: 'patient/Patient.read',
  registered_by: 'portal',
  owner: 'dev-1',
});
const open: PortalRegistrationInfo = {
  policy: 'open-with-approval',
  scopes: [
    aScope({ scope: 'profile', description: 'Publicly available information' }),
    aScope({ scope: 'patient/Patient.read', description: 'Read the patient' }),
  ],
};

const values = (overrides: Partial<PortalClientValues> = {}): PortalClientValues => ({
  client_name: 'Lab app',
  description: '',
  scopes: ['profile'],
  token_endpoint_auth_method: 'client_secret_basic',
  key_source: 'jwks',
  jwks: '',
  jwks_uri: '',
  ...overrides,
});

describe('portal client form checks', () => {
  it.each<[Partial<PortalClientValues>, object]>([
    [{}, {}],
    [{ client_name: '' }, { client_name: 'Enter a name for the client' }],
    [{ scopes: [] }, { scopes: 'Choose at least one scope' }],
    [{ token_endpoint_auth_method: 'private_key_jwt' }, { jwks: 'Paste the public keys as a JWK Set' }],
    [
      { token_endpoint_auth_method: 'private_key_jwt', key_source: 'jwks_uri', jwks_uri: 'ftp://x' },
      { jwks_uri: 'Use an https URL' },
    ],
  ])('%j → %j', (overrides, expected) => {
    expect(validatePortalClient(values(overrides))).toEqual(expected);
  });

  it('sends only what an integrator chooses', () => {
    expect(
      toPortalClientRequest(
        values({ client_name: ' Lab ', description: ' x ', scopes: ['profile', 'patient/Patient.read'] }),
      ),
    ).toEqual({
      client_name: 'Lab',
      description: 'x',
      scope: 'profile patient/Patient.read',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(
      toPortalClientRequest(
        values({
          token_endpoint_auth_method: 'private_key_jwt',
          key_source: 'jwks_uri',
          jwks_uri: 'https://keys.example.org/jwks',
        }),
      ),
    ).toMatchObject({
      jwks_uri: 'https://keys.example.org/jwks',
    });
  });
});

describe('My clients', () => {
  it('lists the developer’s own clients with their status', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/portal/clients': {
          items: [mine, { ...mine, client_id: 'mine-2', client_name: 'Waiting app', status: 'pending' }],
          total: 2,
        },
      }),
    );
    renderApp(<AppRoutes />, as('/portal/clients'));

    const list = await screen.findByRole('list', { name: 'My clients' });
    const items = [...list.children] as HTMLElement[];
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByRole('link', { name: 'Lab app' })).toHaveAttribute('href', '/portal/clients/mine-1');
    expect(within(items[1]).getByText(/Waiting for an administrator’s approval/)).toBeInTheDocument();
    expect(document.title).toBe('My clients · CCRI Developer Portal');
    expect(calls[0].headers.get('authorization')).toBe('Bearer portal-test-token');
    expect(screen.getByText('Clients registered by Example Health (dev@example.org).')).toBeInTheDocument();
  });

  it('has loading, empty and error states', async () => {
    stubFetch(never);
    const first = renderApp(<AppRoutes />, as('/portal/clients'));
    expect(await screen.findByRole('status')).toHaveTextContent('Loading your clients…');
    first.unmount();

    stubFetch(fakeApi({ 'GET /api/portal/clients': { items: [], total: 0 } }));
    const second = renderApp(<AppRoutes />, as('/portal/clients'));
    expect(await screen.findByText('You have no clients yet')).toBeInTheDocument();
    second.unmount();

    stubFetch(fakeApi({ 'GET /api/portal/clients': () => problemResponse(502, 'Bad Gateway') }));
    renderApp(<AppRoutes />, as('/portal/clients'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load your clients');
  });
});

describe('+ New Client', () => {
  it('offers the self-service scopes, checks the form and shows the secret once', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/portal/registration': open,
        'POST /api/portal/clients': (call) =>
          jsonResponse(
            {
              ...mine,
              ...(call.body as object),
              client_id: 'new-1',
              status: 'pending',
              client_secret: 'portal-secret-once',
            },
            201,
          ),
        'GET /api/portal/clients': { items: [], total: 0 },
      }),
    );
    const { user } = renderApp(<AppRoutes />, as('/portal/clients/new'));

    expect(
      await screen.findByText('New clients wait for an administrator’s approval before they can get tokens.'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Register client' }));
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter a name for the client'),
    );
    expect(screen.getByText('Choose at least one scope')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveFocus();

    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Lab app');
    await user.click(screen.getByRole('checkbox', { name: /patient\/Patient\.read/ }));
    expect(screen.getByRole('checkbox', { name: /patient\/Patient\.read/ })).toHaveAccessibleDescription(
      'Read the patient',
    );
    await user.click(screen.getByRole('button', { name: 'Register client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client registered' })).toBeInTheDocument();
    expect(screen.getByLabelText('Client secret')).toHaveValue('portal-secret-once');
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(screen.getByText('Waiting for approval')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      client_name: 'Lab app',
      scope: 'patient/Patient.read',
      token_endpoint_auth_method: 'client_secret_basic',
    });

    await user.click(screen.getByRole('link', { name: 'Back to my clients' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'My clients' })).toBeInTheDocument();
    expect(screen.queryByDisplayValue('portal-secret-once')).not.toBeInTheDocument();
    expect(JSON.stringify(sessionStorage)).not.toContain('portal-secret-once');
  });

  it('says when registration is closed, with no form', async () => {
    stubFetch(fakeApi({ 'GET /api/portal/registration': { policy: 'closed', scopes: [] } }));
    renderApp(<AppRoutes />, as('/portal/clients/new'));

    expect(await screen.findByRole('alert')).toHaveTextContent('Registration is closed');
    expect(screen.queryByRole('form', { name: 'New client' })).not.toBeInTheDocument();
  });

  it('puts the server’s scope refusal beside the scopes', async () => {
    stubFetch(
      fakeApi({
        'GET /api/portal/registration': { ...open, policy: 'initial-token' },
        'POST /api/portal/clients': () =>
          problemResponse(400, 'Bad Request', 'Not offered for self-service registration: profile', [
            { field: 'scope', message: 'not offered for self-service registration: profile' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, as('/portal/clients/new'));

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab app');
    await user.click(screen.getByRole('checkbox', { name: /^profile/ }));
    await user.click(screen.getByRole('button', { name: 'Register client' }));

    expect(await screen.findByText('not offered for self-service registration: profile')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /^profile/ })).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a server failure as a readable message', async () => {
    stubFetch(
      fakeApi({
        'GET /api/portal/registration': open,
        'POST /api/portal/clients': () =>
          new Response('<html>boom</html>', { status: 500, headers: { 'Content-Type': 'text/html' } }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, as('/portal/clients/new'));

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab app');
    await user.click(screen.getByRole('checkbox', { name: /^profile/ }));
    await user.click(screen.getByRole('button', { name: 'Register client' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('The server had a problem. Try again later.');
  });
});

describe('One of my clients', () => {
  function server(client: Client | null) {
    return stubFetch(
      fakeApi({
        'GET /api/portal/clients/:id': (_call, { id }) =>
          client && id === client.client_id
            ? jsonResponse(client)
            : problemResponse(404, 'Not Found', `No client ${id}`),
        'POST /api/portal/clients/:id/secret': (_call, { id }) =>
          jsonResponse({ client_id: id, client_secret: 'rotated-secret' }),
        'DELETE /api/portal/clients/:id': () => {
          client = null;
          return new Response(null, { status: 204 });
        },
        'GET /api/portal/clients': () => jsonResponse({ items: client ? [client] : [], total: client ? 1 : 0 }),
      }),
    );
  }

  it('answers a client that is not the developer’s as not found', async () => {
    server(mine);
    renderApp(<AppRoutes />, as('/portal/clients/someone-elses'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Client not found' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('belongs to another account');
  });

  it('issues a new secret after confirmation and shows it once', async () => {
    const { calls } = server(mine);
    const { user } = renderApp(<AppRoutes />, as('/portal/clients/mine-1'));

    await user.click(await screen.findByRole('button', { name: 'New secret…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Issue a new secret' })).getByRole('button', {
        name: 'Issue new secret',
      }),
    );

    const dialog = await screen.findByRole('dialog', { name: 'New client secret' });
    expect(within(dialog).getByLabelText('Client secret')).toHaveValue('rotated-secret');
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/portal/clients/mine-1/secret');
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByDisplayValue('rotated-secret')).not.toBeInTheDocument());
  });

  it('deletes after confirmation and returns to the list', async () => {
    const { calls } = server(mine);
    const { user } = renderApp(<AppRoutes />, as('/portal/clients/mine-1'));

    await user.click(await screen.findByRole('button', { name: 'Delete…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Delete client' })).getByRole('button', { name: 'Delete client' }),
    );

    expect(await screen.findByText('You have no clients yet')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/portal/clients/mine-1');
  });
});

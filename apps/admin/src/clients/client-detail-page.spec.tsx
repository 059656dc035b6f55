import type { Client } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient } from '../test/client-fixture';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';

const at = (clientId: string) => ({ path: `/clients/${clientId}`, signedInAs: 'admin' });

/** A server holding one client that PATCH, approve and reject change. */
function serverWith(initial: Client) {
  let client = initial;
  return stubFetch(
    fakeApi({
      'GET /api/scopes': [],
      'GET /api/clients/:id': (_call, { id }) =>
        id === client.client_id ? jsonResponse(client) : problemResponse(404, 'Not Found', `No client ${id}`),
      'PATCH /api/clients/:id': (call) => {
        client = { ...client, ...(call.body as Partial<Client>), updated_at: new Date().toISOString() };
        return jsonResponse(client);
      },
      'POST /api/clients/:id/approve': () =>
        jsonResponse((client = { ...client, status: 'active', updated_at: new Date().toISOString() })),
      'POST /api/clients/:id/reject': () =>
        jsonResponse((client = { ...client, status: 'rejected', updated_at: new Date().toISOString() })),
    }),
  );
}

describe('Client page', () => {
  it('says so while loading', async () => {
    stubFetch(never);
    renderApp(<AppRoutes />, at('patient-access'));
    expect(await screen.findByRole('status')).toHaveTextContent('Loading the client…');
  });

  it('says when there is no such client', async () => {
    serverWith(aClient());
    renderApp(<AppRoutes />, at('gone'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Client not found' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('No client has the id gone');
  });

  it('shows a server error and tries again', async () => {
    let fail = true;
    stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'GET /api/clients/:id': () =>
          fail ? problemResponse(503, 'Service Unavailable', 'Database unavailable') : jsonResponse(aClient()),
      }),
    );
    const { user } = renderApp(<AppRoutes />, at('patient-access'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the client');
    expect(alert).toHaveTextContent('Database unavailable');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Patient Access' })).toBeInTheDocument();
  });

  it('shows the registration and the settings, and saves only what changed', async () => {
    const { calls } = serverWith(aClient({ token_ttl_seconds: 600, registered_by: 'admin' }));
    const { user } = renderApp(<AppRoutes />, at('patient-access'));

    expect(await screen.findByRole('heading', { level: 1, name: 'Patient Access' })).toBeInTheDocument();
    expect(screen.getByText('An administrator')).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'Edit client' });
    expect(within(form).getByRole('textbox', { name: /token lifetime/i })).toHaveValue('600');

    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Nothing changed.')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    const name = within(form).getByRole('textbox', { name: /^name/i });
    await user.clear(name);
    await user.type(name, 'Patient Access v2');
    await user.clear(within(form).getByRole('textbox', { name: /token lifetime/i }));
    await user.click(within(form).getByRole('checkbox', { name: /single active token/i }));
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));

    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.url.pathname).toBe('/api/clients/patient-access');
    expect(patch?.body).toEqual({
      client_name: 'Patient Access v2',
      single_active_token: true,
      token_ttl_seconds: null,
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Patient Access v2' })).toBeInTheDocument();
  });

  it('puts a bad value’s message beside its field and sends nothing', async () => {
    const { calls } = serverWith(aClient());
    const { user } = renderApp(<AppRoutes />, at('patient-access'));
    const form = await screen.findByRole('form', { name: 'Edit client' });

    await user.type(within(form).getByRole('textbox', { name: /rate limit/i }), 'many');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));

    const rate = within(form).getByRole('textbox', { name: /rate limit/i });
    expect(rate).toHaveAccessibleDescription(expect.stringContaining('Enter whole requests from 1 to 100000'));
    expect(rate).toHaveFocus();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('warns that a client leaving private_key_jwt needs a secret rotated', async () => {
    serverWith(
      aClient({
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y' }] },
      }),
    );
    const { user } = renderApp(<AppRoutes />, at('patient-access'));
    const form = await screen.findByRole('form', { name: 'Edit client' });
    expect(screen.queryByRole('button', { name: 'Rotate secret…' })).not.toBeInTheDocument();

    await user.selectOptions(
      within(form).getByRole('combobox', { name: 'Client authentication' }),
      'client_secret_basic',
    );

    expect(within(form).getByText('This client has no secret yet')).toBeInTheDocument();
  });

  it('approves a pending self-registration', async () => {
    const { calls } = serverWith(aClient({ status: 'pending', registered_by: 'portal', owner: 'dev-1' }));
    const { user } = renderApp(<AppRoutes />, at('patient-access'));

    expect(await screen.findByText('Waiting for approval')).toBeInTheDocument();
    expect(screen.getByText('The developer portal')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Approve' }));

    expect(await screen.findByText('Approved: the client can request tokens now.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/clients/patient-access/approve');
    await waitFor(() => expect(screen.queryByText('Waiting for approval')).not.toBeInTheDocument());
  });

  it('rejects a pending self-registration after confirmation, and shows a failure in the dialog', async () => {
    let fail = true;
    const client = aClient({ status: 'pending' });
    stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'GET /api/clients/:id': () => jsonResponse(client),
        'POST /api/clients/:id/reject': () =>
          fail ? problemResponse(500, 'Internal Server Error') : jsonResponse({ ...client, status: 'rejected' }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, at('patient-access'));

    await user.click(await screen.findByRole('button', { name: 'Reject…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reject registration' });
    await user.click(within(dialog).getByRole('button', { name: 'Reject client' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Could not reject the client');

    fail = false;
    await user.click(within(dialog).getByRole('button', { name: 'Reject client' }));
    expect(await screen.findByText('Rejected: the client cannot request tokens.')).toBeInTheDocument();
  });

  it('links to the client’s live tokens', async () => {
    serverWith(aClient());
    renderApp(<AppRoutes />, at('patient-access'));
    expect(await screen.findByRole('link', { name: 'Live tokens' })).toHaveAttribute(
      'href',
      '/tokens?client_id=patient-access',
    );
  });
});

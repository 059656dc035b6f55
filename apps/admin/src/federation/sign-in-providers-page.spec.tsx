import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import type { IdentityProvider } from '@ccri/contracts';

const google: IdentityProvider = {
  id: 'google',
  name: 'Google',
  issuer: 'https://accounts.google.com',
  client_id: 'ccri.apps.googleusercontent.com',
  scopes: 'openid email profile',
  audiences: ['users', 'developers'],
  link_by_verified_email: true,
  auto_create: true,
  allowed_domains: ['hospital.test'],
  admin_allow_list: [],
  callback_url: 'https://fhir.example.org/auth/federation/google/callback',
  created_at: '2025-04-01T10:00:00.000Z',
  updated_at: '2025-04-01T10:00:00.000Z',
};

const signedIn = { path: '/settings/sign-in-providers', signedInAs: 'admin' };

describe('Sign-in providers', () => {
  it('is in the main navigation and lists providers with who signs in and the callback URL to give them', async () => {
    stubFetch(fakeApi({ 'GET /api/clients': { items: [], total: 0 }, 'GET /api/identity-providers': [google] }));
    const { user } = renderApp(<AppRoutes />, { path: '/clients', signedInAs: 'admin' });
    await user.click(
      within(screen.getAllByRole('navigation', { name: 'Main' })[0]).getByRole('link', { name: 'Sign-in providers' }),
    );

    const table = await screen.findByRole('table', { name: 'Sign-in providers' });
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('Google');
    expect(row).toHaveTextContent('https://accounts.google.com');
    expect(row).toHaveTextContent('People signing in to apps');
    expect(row).toHaveTextContent('Developers (portal)');
    expect(row).not.toHaveTextContent('Administrators (dashboard)');
    expect(row).toHaveTextContent('Domains: hospital.test');
    expect(within(row).getByText(google.callback_url)).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Copy' })).toBeInTheDocument();
  });

  it('says when there is none', async () => {
    stubFetch(fakeApi({ 'GET /api/identity-providers': [] }));
    renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('No sign-in providers')).toBeInTheDocument();
  });

  it('adds a provider: checks the form first, then sends every field with the secret', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/identity-providers': [],
        'POST /api/identity-providers': (call) =>
          jsonResponse({ ...google, ...(call.body as object), client_secret: undefined }, 201),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await user.click(await screen.findByRole('button', { name: 'Add provider' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add sign-in provider' });
    // Pasted rather than typed key by key: the values are long, and typing each one adds nothing here.
    const fill = async (field: HTMLElement, value: string) => {
      await user.click(field);
      await user.paste(value);
    };

    await user.click(within(dialog).getByRole('button', { name: 'Add provider' }));
    expect(within(dialog).getByText('Enter the name shown on the button')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter the client secret the provider gave you')).toBeInTheDocument();
    expect(within(dialog).getByText('Choose who may sign in with this provider')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);

    await fill(within(dialog).getByRole('textbox', { name: /^ID/ }), 'entra');
    await fill(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Microsoft Entra ID');
    await fill(
      within(dialog).getByRole('textbox', { name: /^Issuer/ }),
      'https://login.microsoftonline.com/tenant/v2.0',
    );
    await fill(within(dialog).getByRole('textbox', { name: /^Client ID/ }), 'app-id');
    await fill(within(dialog).getByLabelText(/^Client secret/), 'entra-secret-value');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Administrators (dashboard)' }));
    await fill(within(dialog).getByRole('textbox', { name: /^Administrator allow-list/ }), 'root@nhs.test');
    await user.click(within(dialog).getByRole('button', { name: 'Add provider' }));

    expect(await screen.findByText(/Saved Microsoft Entra ID/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      id: 'entra',
      name: 'Microsoft Entra ID',
      issuer: 'https://login.microsoftonline.com/tenant/v2.0',
      client_id: 'app-id',
      client_secret: 'entra-secret-value',
      scopes: 'openid email profile',
      audiences: ['admins'],
      link_by_verified_email: false,
      auto_create: false,
      allowed_domains: [],
      admin_allow_list: ['root@nhs.test'],
    });
  });

  it('edits a provider without showing its secret; an empty secret keeps the stored one', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/identity-providers': [google],
        'PATCH /api/identity-providers/:id': (call) => jsonResponse({ ...google, ...(call.body as object) }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await user.click(await screen.findByRole('button', { name: 'Edit Google' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Google' });
    expect(within(dialog).getByLabelText(/^Client secret/)).toHaveValue('');
    expect(within(dialog).getByText('Leave empty to keep the stored secret')).toBeInTheDocument();
    const name = within(dialog).getByRole('textbox', { name: /^Name/ });
    await user.clear(name);
    await user.type(name, 'Google Workspace');
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));

    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(patch.url.pathname).toBe('/api/identity-providers/google');
    expect(patch.body).toMatchObject({ name: 'Google Workspace', audiences: ['users', 'developers'] });
    expect(patch.body).not.toHaveProperty('client_secret');
    expect(patch.body).not.toHaveProperty('id');
  });

  it("shows the server's field message when it refuses the provider", async () => {
    stubFetch(
      fakeApi({
        'GET /api/identity-providers': [google],
        'PATCH /api/identity-providers/:id': () =>
          problemResponse(400, 'Bad Request', 'issuer must be an absolute http(s) URL', [
            { field: 'issuer', message: 'issuer must be an absolute http(s) URL' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await user.click(await screen.findByRole('button', { name: 'Edit Google' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Google' });
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('issuer must be an absolute http(s) URL');
    expect(within(dialog).getByRole('textbox', { name: /^Issuer/ })).toHaveAccessibleDescription(
      expect.stringContaining('issuer must be an absolute http(s) URL'),
    );
  });

  it('deletes a provider after asking', async () => {
    let providers = [google];
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/identity-providers': () => jsonResponse(providers),
        'DELETE /api/identity-providers/:id': () => {
          providers = [];
          return new Response(null, { status: 204 });
        },
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await user.click(await screen.findByRole('button', { name: 'Delete Google' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete Google?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete provider' }));
    expect(await screen.findByText('Deleted Google.')).toBeInTheDocument();
    expect(await screen.findByText('No sign-in providers')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/identity-providers/google');
  });
});

import type { DeveloperSession } from '@ccri/contracts';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { loadSession } from '../auth/session-store';
import { portalSessionStore } from '../portal/portal-session';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';

const google = {
  id: 'google',
  name: 'Google',
  start_url: 'http://localhost/auth/federation/google/start?audience=admins',
};
const entra = {
  id: 'entra',
  name: 'Microsoft Entra ID',
  start_url: 'http://localhost/auth/federation/entra/start?audience=admins',
};

const developerSession: DeveloperSession = {
  access_token: 'portal-federated-jwt',
  token_type: 'Bearer',
  expires_in: 28_800,
  developer: { id: 'dev-9', email: 'dev@hospital.test', name: 'Dev Eloper', created_at: '2025-03-01T10:00:00.000Z' },
};

describe('Sign in with an external provider on the dashboard', () => {
  it('shows one "Sign in with {name}" link per provider serving administrators, to its start URL', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/identity-providers/public': [entra, google] }));
    renderApp(<AppRoutes />, { path: '/login' });

    const link = await screen.findByRole('link', { name: 'Sign in with Google' });
    expect(link).toHaveAttribute('href', google.start_url);
    expect(screen.getByRole('link', { name: 'Sign in with Microsoft Entra ID' })).toHaveAttribute(
      'href',
      entra.start_url,
    );
    expect(calls[0].url.searchParams.get('audience')).toBe('admins');
    // The password form is still there.
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows no provider button when none serves administrators', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/identity-providers/public': [] }));
    renderApp(<AppRoutes />, { path: '/login' });
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(screen.queryByRole('link', { name: /Sign in with/ })).not.toBeInTheDocument();
  });

  it('exchanges the code of the URL fragment once, and lands signed in on the dashboard', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/identity-providers/public': [google],
        'POST /api/auth/federated-session': () =>
          jsonResponse({
            access_token: 'fed-jwt',
            token_type: 'Bearer',
            expires_in: 3600,
            username: 'root@hospital.test',
          }),
        'GET /api/clients': { items: [], total: 0 },
      }),
    );
    renderApp(<AppRoutes />, { path: '/login#federation_code=one-time-code' });

    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(screen.getByText('root@hospital.test')).toBeInTheDocument();
    expect(loadSession()).toMatchObject({ token: 'fed-jwt', username: 'root@hospital.test' });
    const exchanges = calls.filter((c) => c.url.pathname === '/api/auth/federated-session');
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0].body).toEqual({ code: 'one-time-code' });
    await waitFor(() => expect(calls.at(-1)?.headers.get('authorization')).toBe('Bearer fed-jwt'));
  });

  it('says so readably when the code is refused, and stays signed out', async () => {
    stubFetch(
      fakeApi({
        'GET /api/identity-providers/public': [google],
        'POST /api/auth/federated-session': () =>
          problemResponse(401, 'Unauthorized', 'The sign-in code is unknown, used or expired; sign in again'),
      }),
    );
    renderApp(<AppRoutes />, { path: '/login#federation_code=used-code' });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Sign-in with your provider failed');
    expect(alert).toHaveTextContent('This sign-in link has expired or was already used. Sign in again.');
    expect(loadSession()).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/login$/);
    expect(screen.getByRole('link', { name: 'Sign in with Google' })).toBeInTheDocument();
  });
});

describe('Sign in with an external provider on the developer portal', () => {
  it('asks for the providers serving developers, and exchanges the code at the portal endpoint', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/identity-providers/public': (call) =>
          jsonResponse(
            call.url.searchParams.get('audience') === 'developers'
              ? [{ ...google, start_url: 'http://localhost/auth/federation/google/start?audience=developers' }]
              : [],
          ),
        'POST /api/portal/federated-session': () => jsonResponse(developerSession),
        'GET /api/portal/clients': { items: [], total: 0 },
      }),
    );
    renderApp(<AppRoutes />, { path: '/portal/login#federation_code=dev-code' });

    expect(await screen.findByRole('heading', { level: 1, name: 'My clients' })).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: '+ New Client' }).length).toBeGreaterThan(0);
    expect(portalSessionStore.load()).toMatchObject({ token: 'portal-federated-jwt', email: 'dev@hospital.test' });
    expect(calls.find((c) => c.url.pathname === '/api/portal/federated-session')?.body).toEqual({ code: 'dev-code' });
    expect(calls.some((c) => c.url.pathname === '/api/auth/federated-session')).toBe(false);
  });

  it('shows the Sign in with button to a signed-out developer', async () => {
    stubFetch(
      fakeApi({
        'GET /api/identity-providers/public': [
          { ...google, start_url: 'http://localhost/auth/federation/google/start?audience=developers' },
        ],
      }),
    );
    renderApp(<AppRoutes />, { path: '/portal/login' });
    expect(await screen.findByRole('link', { name: 'Sign in with Google' })).toHaveAttribute(
      'href',
      'http://localhost/auth/federation/google/start?audience=developers',
    );
  });
});

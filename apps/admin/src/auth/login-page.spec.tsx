import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { loadSession, saveSession } from './session-store';

const emptyList = () => jsonResponse({ items: [], total: 0 });

describe('Sign in', () => {
  it('says which fields are missing and sends nothing', async () => {
    const { fetchMock } = stubFetch(emptyList);
    const { user } = renderApp(<AppRoutes />, { path: '/login' });

    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByLabelText(/username/i)).toHaveAccessibleDescription('Enter your username');
    expect(screen.getByLabelText(/^password/i)).toHaveAccessibleDescription('Enter your password');
    expect(screen.getByLabelText(/username/i)).toHaveFocus();
    // Nothing is sent but the (public) list of sign-in providers the page shows buttons for.
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toEqual([]);

    await user.type(screen.getByLabelText(/username/i), 'admin');
    expect(screen.queryByText('Enter your username')).not.toBeInTheDocument();
  });

  it('shows a readable error when the server refuses the credentials', async () => {
    stubFetch(() => problemResponse(401, 'Unauthorized', 'invalid_credentials'));
    const { user } = renderApp(<AppRoutes />, { path: '/login' });

    await user.type(screen.getByLabelText(/username/i), 'admin');
    await user.type(screen.getByLabelText(/^password/i), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(loadSession()).toBeNull();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
  });

  it('shows the server message for other failures', async () => {
    stubFetch(() => problemResponse(429, 'Too Many Requests', 'Too many sign-in attempts. Try again in a minute.'));
    const { user } = renderApp(<AppRoutes />, { path: '/login' });

    await user.type(screen.getByLabelText(/username/i), 'admin');
    await user.type(screen.getByLabelText(/^password/i), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in a minute.');
  });

  it('stores the session and opens the page the user came for', async () => {
    const { calls } = stubFetch(({ url }) =>
      url.pathname === '/api/auth/login'
        ? jsonResponse({ access_token: 'jwt-1', token_type: 'Bearer', expires_in: 3600 })
        : emptyList(),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients?status=pending' });
    expect(screen.getByTestId('location')).toHaveTextContent('/login');

    await user.type(screen.getByLabelText(/username/i), ' admin ');
    await user.type(screen.getByLabelText(/^password/i), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/clients?status=pending');
    expect(calls.find((c) => c.url.pathname === '/api/auth/login')?.body).toEqual({
      username: 'admin',
      password: 'correct horse battery',
    });
    expect(loadSession()).toMatchObject({ token: 'jwt-1', username: 'admin' });
    await waitFor(() => expect(calls.at(-1)?.headers.get('authorization')).toBe('Bearer jwt-1'));
  });

  it('signs out from the header and says so', async () => {
    const { calls } = stubFetch(({ url }) =>
      url.pathname === '/api/auth/logout' ? problemResponse(401, 'Unauthorized') : emptyList(),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients', signedInAs: 'admin' });

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(loadSession()).toBeNull();
    // The token is revoked on the server as well; an already expired one does not turn this into "session expired".
    const logout = calls.find((c) => c.url.pathname === '/api/auth/logout');
    expect(logout).toMatchObject({ method: 'POST' });
    expect(logout?.headers.get('authorization')).toBe('Bearer test-token');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.getByText('You have signed out.')).toBeInTheDocument();
    expect(screen.queryByText(/session has expired/)).not.toBeInTheDocument();
  });

  it('ends the session when its token expires, without waiting for a request to fail', async () => {
    stubFetch(emptyList);
    saveSession({ token: 'short-lived', username: 'admin', expiresAt: Date.now() + 2000 });
    renderApp(<AppRoutes />, { path: '/clients' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();

    expect(
      await screen.findByText('Your session has expired. Please sign in again.', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(loadSession()).toBeNull();
  });
});

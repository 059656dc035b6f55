import type { DeveloperSession } from '@ccri/contracts';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { loadSession } from '../auth/session-store';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { validateSignUp } from './portal-auth-forms';
import { portalSessionStore } from './portal-session';

const session = (email = 'dev@example.org'): DeveloperSession => ({
  access_token: 'portal-jwt',
  token_type: 'Bearer',
  expires_in: 28_800,
  developer: { id: 'dev-1', email, name: 'Example Health', created_at: '2025-03-01T10:00:00.000Z' },
});

describe('validateSignUp', () => {
  const ok = {
    email: 'dev@example.org',
    name: 'Example Health',
    password: 'a-long-password',
    confirm: 'a-long-password',
  };
  it.each([
    [{}, {}],
    [{ email: '' }, { email: 'Enter your email address' }],
    [{ email: 'dev@example' }, { email: 'Enter an email address such as dev@example.org' }],
    [{ name: ' ' }, { name: 'Enter your name or your organisation’s' }],
    [{ password: 'short', confirm: 'short' }, { password: 'Use at least 12 characters' }],
    [{ confirm: 'a-long-passwort' }, { confirm: 'The passwords do not match' }],
  ])('%j → %j', (overrides, expected) => {
    expect(validateSignUp({ ...ok, ...overrides })).toEqual(expected);
  });
});

describe('Developer portal sign-up', () => {
  it('says what is missing beside each field and sends nothing', async () => {
    const { fetchMock } = stubFetch(fakeApi({}));
    const { user } = renderApp(<AppRoutes />, { path: '/portal/signup' });

    await user.click(await screen.findByRole('button', { name: 'Create account' }));

    expect(screen.getByRole('textbox', { name: /email address/i })).toHaveAccessibleDescription(
      'Enter your email address',
    );
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter your name'),
    );
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription(
      expect.stringContaining('Use at least 12 characters'),
    );
    expect(screen.getByRole('textbox', { name: /email address/i })).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(document.title).toBe('Create a developer account · CCRI Developer Portal');
  });

  it('creates the account, signs in and opens the developer’s clients', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'POST /api/portal/signup': () => jsonResponse(session(), 201),
        'GET /api/portal/clients': { items: [], total: 0 },
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/signup' });

    await user.type(await screen.findByRole('textbox', { name: /email address/i }), ' dev@example.org ');
    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Example Health');
    await user.type(screen.getByLabelText(/^Password/), 'a-long-password');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'My clients' })).toBeInTheDocument();
    expect(calls[0].body).toEqual({ email: 'dev@example.org', name: 'Example Health', password: 'a-long-password' });
    expect(portalSessionStore.load()).toMatchObject({
      token: 'portal-jwt',
      email: 'dev@example.org',
      developerId: 'dev-1',
    });
    // A developer is no administrator: the admin session stays empty.
    expect(loadSession()).toBeNull();
    await waitFor(() => expect(calls.at(-1)?.headers.get('authorization')).toBe('Bearer portal-jwt'));
    expect(screen.getByText('You have no clients yet')).toBeInTheDocument();
  });

  it('puts a taken address under the email field', async () => {
    stubFetch(
      fakeApi({
        'POST /api/portal/signup': () =>
          problemResponse(409, 'Conflict', 'An account with this email address exists already; sign in instead', [
            { field: 'email', message: 'An account with this email address exists already' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/signup' });

    await user.type(await screen.findByRole('textbox', { name: /email address/i }), 'dev@example.org');
    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Example Health');
    await user.type(screen.getByLabelText(/^Password/), 'a-long-password');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const email = screen.getByRole('textbox', { name: /email address/i });
    await waitFor(() => expect(email).toHaveAccessibleDescription('An account with this email address exists already'));
    expect(email).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a refusal without a field as a readable alert', async () => {
    stubFetch(
      fakeApi({
        'POST /api/portal/signup': () =>
          problemResponse(
            429,
            'Too Many Requests',
            'Too many accounts were created from this address; try again later',
          ),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/signup' });

    await user.type(await screen.findByRole('textbox', { name: /email address/i }), 'dev@example.org');
    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Example Health');
    await user.type(screen.getByLabelText(/^Password/), 'a-long-password');
    await user.type(screen.getByLabelText(/^Repeat the password/), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Too many accounts were created from this address; try again later',
    );
  });
});

describe('Developer portal sign-in', () => {
  it('sends a signed-out visitor to sign in, and back where they were going', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'POST /api/portal/login': () => jsonResponse(session()),
        'GET /api/portal/registration': { policy: 'open-with-approval', scopes: [] },
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/clients/new' });
    expect(screen.getByTestId('location')).toHaveTextContent('/portal/login');

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('textbox', { name: /email address/i })).toHaveAccessibleDescription(
      'Enter your email address',
    );
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('Enter your password');

    await user.type(screen.getByRole('textbox', { name: /email address/i }), 'dev@example.org');
    await user.type(screen.getByLabelText(/^Password/), 'a-long-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'New client' })).toBeInTheDocument();
    expect(calls.find((c) => c.url.pathname === '/api/portal/login')).toMatchObject({
      method: 'POST',
      body: { email: 'dev@example.org', password: 'a-long-password' },
    });
  });

  it('gives one message for a wrong address or password', async () => {
    stubFetch(
      fakeApi({
        'POST /api/portal/login': () => problemResponse(401, 'Unauthorized', 'Wrong email address or password'),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/login' });

    await user.type(await screen.findByRole('textbox', { name: /email address/i }), 'dev@example.org');
    await user.type(screen.getByLabelText(/^Password/), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email address or password.');
    expect(portalSessionStore.load()).toBeNull();
  });

  it('is apart from the admin dashboard: an administrator’s session does not open the portal', async () => {
    stubFetch(fakeApi({}));
    renderApp(<AppRoutes />, { path: '/portal/clients', signedInAs: 'admin' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/portal/login');
  });

  it('keeps the portal session when an administrator in the same tab signs out', async () => {
    stubFetch(
      fakeApi({ 'GET /api/clients': { items: [], total: 0 }, 'GET /api/portal/clients': { items: [], total: 0 } }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients', signedInAs: 'admin', developer: 'dev@example.org' });

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(loadSession()).toBeNull();
    expect(portalSessionStore.load()).toMatchObject({ email: 'dev@example.org' });
  });

  it('signs out, revoking the session on the server', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/portal/clients': { items: [], total: 0 },
        'POST /api/portal/logout': () => new Response(null, { status: 204 }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/portal/clients', developer: 'dev@example.org' });

    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(await screen.findByText('You have signed out.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/portal/login');
    expect(portalSessionStore.load()).toBeNull();
    const logout = calls.find((c) => c.url.pathname === '/api/portal/logout');
    expect(logout?.headers.get('authorization')).toBe('Bearer portal-test-token');
  });

  it('returns to sign-in when the server says the session has ended', async () => {
    stubFetch(
      fakeApi({ 'GET /api/portal/clients': () => problemResponse(401, 'Unauthorized', 'The session has ended') }),
    );
    renderApp(<AppRoutes />, { path: '/portal/clients', developer: 'dev@example.org' });

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeInTheDocument();
    expect(portalSessionStore.load()).toBeNull();
  });
});

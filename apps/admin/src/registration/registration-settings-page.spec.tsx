import type { InitialAccessTokenInfo, RegistrationSettings } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aScope } from '../test/fixtures';
import { renderApp } from '../test/render-app';
import { validateIssueToken } from './initial-access-tokens-section';
import { validatePolicyForm } from './registration-policy-form';

const signedIn = { path: '/settings/registration', signedInAs: 'admin' };
const token = (overrides: Partial<InitialAccessTokenInfo> = {}): InitialAccessTokenInfo => ({
  id: '5c1b2d6e-0000-4000-8000-000000000001',
  created_at: '2025-03-01T10:00:00.000Z',
  expires_at: '2099-03-02T10:00:00.000Z',
  max_uses: 3,
  uses: 1,
  status: 'active',
  ...overrides,
});

function server(
  initial: RegistrationSettings = { policy: 'closed', self_service_scopes: ['profile', 'patient/Patient.read'] },
  tokens: InitialAccessTokenInfo[] = [token()],
) {
  let settings = initial;
  let list = tokens;
  return stubFetch(
    fakeApi({
      'GET /api/scopes': [aScope(), aScope({ scope: 'patient/Observation.rs', description: 'Read observations' })],
      'GET /api/settings/registration': () => jsonResponse(settings),
      'PUT /api/settings/registration': (call) => jsonResponse((settings = call.body as RegistrationSettings)),
      'GET /api/settings/registration/initial-access-tokens': () => jsonResponse(list),
      'POST /api/settings/registration/initial-access-tokens': (call) => {
        const { expires_in, max_uses } = call.body as { expires_in: number; max_uses: number };
        const issued = token({
          id: 'new-token-id',
          max_uses,
          uses: 0,
          expires_at: new Date(Date.now() + expires_in * 1000).toISOString(),
        });
        list = [issued, ...list];
        return jsonResponse(
          { id: issued.id, initial_access_token: 'iat-shown-once', expires_at: issued.expires_at, max_uses },
          201,
        );
      },
      'DELETE /api/settings/registration/initial-access-tokens/:id': (_call, { id }) => {
        list = list.filter((t) => t.id !== id);
        return new Response(null, { status: 204 });
      },
    }),
  );
}

describe('registration form checks', () => {
  it('names every scope that is not one', () => {
    expect(validatePolicyForm({ policy: 'closed', scopes: 'profile patient/Patient.read' })).toEqual({});
    expect(validatePolicyForm({ policy: 'closed', scopes: '' })).toEqual({});
    expect(validatePolicyForm({ policy: 'closed', scopes: 'profile patient/patient.read x' })).toEqual({
      scopes: 'Not valid SMART scopes: "patient/patient.read", "x"',
    });
  });

  it.each([
    [{ hours: '', max_uses: '1' }, { hours: 'Enter how many hours the token is valid' }],
    [{ hours: '0', max_uses: '1' }, { hours: 'Enter whole hours from 1 to 8760 (a year)' }],
    [{ hours: '1.5', max_uses: '1' }, { hours: 'Enter whole hours from 1 to 8760 (a year)' }],
    [{ hours: '24', max_uses: '0' }, { max_uses: 'Enter a whole number from 1 to 1000000' }],
    [{ hours: '24', max_uses: '' }, { max_uses: 'Enter how many clients it may register' }],
    [{ hours: '8760', max_uses: '1000000' }, {}],
  ])('initial token %j → %j', (values, expected) => {
    expect(validateIssueToken(values)).toEqual(expected);
  });
});

describe('Registration page', () => {
  it('shows the policy and the allow-list, and saves them', async () => {
    const { calls } = server();
    const { user } = renderApp(<AppRoutes />, signedIn);

    expect(await screen.findByRole('radio', { name: /^Closed/ })).toBeChecked();
    const scopes = screen.getByRole('textbox', { name: 'Self-service scopes' });
    expect(scopes).toHaveValue('profile patient/Patient.read');

    await user.click(screen.getByRole('radio', { name: /Open, with approval/ }));
    await user.type(scopes, ' patient/Observation.rs');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Saved. New registrations follow these settings now.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      policy: 'open-with-approval',
      self_service_scopes: ['profile', 'patient/Patient.read', 'patient/Observation.rs'],
    });
  });

  it('explains a bad scope beside the list, and re-checks it as it is corrected', async () => {
    const { calls } = server();
    const { user } = renderApp(<AppRoutes />, signedIn);
    const scopes = await screen.findByRole('textbox', { name: 'Self-service scopes' });

    await user.type(scopes, ' bogus');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(scopes).toHaveAccessibleDescription(expect.stringContaining('"bogus" is not a valid SMART scope'));
    expect(scopes).toHaveFocus();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.type(scopes, '{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}');
    expect(scopes).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('warns that an empty allow-list lets self-registered clients ask for nothing', async () => {
    server({ policy: 'open-with-approval', self_service_scopes: [] });
    renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByRole('note')).toHaveTextContent('With no self-service scopes');
  });

  it('puts the server’s message beside the field it names', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': [],
        'GET /api/settings/registration': { policy: 'closed', self_service_scopes: [] },
        'GET /api/settings/registration/initial-access-tokens': [],
        'PUT /api/settings/registration': () =>
          problemResponse(400, 'Bad Request', 'The request is not valid', [
            { field: 'self_service_scopes', message: 'self_service_scopes has entries that are not SMART scopes: "x"' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect(
      await screen.findByText('self_service_scopes has entries that are not SMART scopes: "x"'),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Self-service scopes' })).toHaveFocus();
  });

  it('has loading and error states', async () => {
    stubFetch(never);
    const first = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('Loading the registration settings…')).toBeInTheDocument();
    expect(screen.getByText('Loading initial access tokens…')).toBeInTheDocument();
    first.unmount();

    stubFetch(fakeApi({ 'GET /api/scopes': [] }));
    renderApp(<AppRoutes />, signedIn);
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    expect(screen.getByText('Could not load the registration settings')).toBeInTheDocument();
    expect(screen.getByText('Could not load initial access tokens')).toBeInTheDocument();
  });

  describe('initial access tokens', () => {
    it('are listed with their use and status', async () => {
      server(undefined, [token(), token({ id: 'used', uses: 3, status: 'used_up' })]);
      renderApp(<AppRoutes />, signedIn);

      const table = await screen.findByRole('table', { name: 'Initial access tokens' });
      const rows = within(table).getAllByRole('row');
      expect(within(rows[1]).getByText('1 of 3')).toBeInTheDocument();
      expect(within(rows[2]).getByText('used up')).toBeInTheDocument();
    });

    it('are issued after checking the form, and shown once', async () => {
      const { calls } = server(undefined, []);
      const { user } = renderApp(<AppRoutes />, signedIn);
      expect(await screen.findByText('No initial access tokens')).toBeInTheDocument();

      const hours = screen.getByRole('textbox', { name: /valid for/i });
      await user.clear(hours);
      await user.click(screen.getByRole('button', { name: 'Issue token' }));
      expect(hours).toHaveAccessibleDescription('Enter how many hours the token is valid');
      expect(hours).toHaveFocus();

      await user.type(hours, '48');
      const uses = screen.getByRole('textbox', { name: /registrations allowed/i });
      await user.clear(uses);
      await user.type(uses, '5');
      await user.click(screen.getByRole('button', { name: 'Issue token' }));

      const dialog = await screen.findByRole('dialog', { name: 'New initial access token' });
      expect(within(dialog).getByLabelText('Initial access token')).toHaveValue('iat-shown-once');
      expect(within(dialog).getByRole('button', { name: 'Copy token' })).toBeInTheDocument();
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ expires_in: 172_800, max_uses: 5 });

      await user.click(within(dialog).getByRole('button', { name: 'Done' }));
      await waitFor(() => expect(screen.queryByDisplayValue('iat-shown-once')).not.toBeInTheDocument());
      expect(await screen.findByRole('table', { name: 'Initial access tokens' })).toBeInTheDocument();
    });

    it('are revoked after confirmation', async () => {
      const { calls } = server();
      const { user } = renderApp(<AppRoutes />, signedIn);

      await user.click(await screen.findByRole('button', { name: `Revoke initial access token ${token().id}` }));
      await user.click(
        within(screen.getByRole('dialog', { name: 'Revoke initial access token' })).getByRole('button', {
          name: 'Revoke token',
        }),
      );

      expect(await screen.findByText('Revoked initial access token 5c1b2d6e….')).toBeInTheDocument();
      expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe(
        `/api/settings/registration/initial-access-tokens/${token().id}`,
      );
      expect(await screen.findByText('No initial access tokens')).toBeInTheDocument();
    });
  });
});

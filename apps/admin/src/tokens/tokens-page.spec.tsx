import type { AuthorizationGrant, LiveToken, SigningKeyInfo } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aGrant, aLiveToken, aSigningKey } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/tokens', signedInAs: 'admin' };

function server(
  initial: LiveToken[],
  initialGrants: AuthorizationGrant[] = [],
  initialKeys: SigningKeyInfo[] = [aSigningKey()],
) {
  let tokens = initial;
  let keys = initialKeys;
  let grants = initialGrants;
  return stubFetch(
    fakeApi({
      'GET /api/tokens': (call) => {
        const clientId = call.url.searchParams.get('client_id');
        const items = tokens.filter((t) => !clientId || t.client_id === clientId);
        return jsonResponse({ items, total: items.length });
      },
      'DELETE /api/tokens/:jti': (_call, { jti }) => {
        tokens = tokens.filter((t) => t.jti !== jti);
        return new Response(null, { status: 204 });
      },
      'DELETE /api/clients/:id/tokens': (_call, { id }) => {
        const revoked = tokens.filter((t) => t.client_id === id).length;
        tokens = tokens.filter((t) => t.client_id !== id);
        return jsonResponse({ revoked });
      },
      'GET /api/keys': () => jsonResponse(keys),
      'GET /api/grants': () => jsonResponse({ items: grants, total: grants.length }),
      'DELETE /api/grants/:id': (_call, { id }) => {
        grants = grants.filter((g) => g.id !== id);
        return new Response(null, { status: 204 });
      },
      'POST /api/keys/rotate': () => {
        keys = [
          aSigningKey({ kid: 'kid-new-0002' }),
          {
            ...keys[0],
            status: 'retired',
            signs: [],
            retired_at: new Date().toISOString(),
            remove_after: new Date(Date.now() + 86_700_000).toISOString(),
          },
        ];
        return jsonResponse({ kid: 'kid-new-0002' });
      },
    }),
  );
}

describe('Tokens and keys', () => {
  it('lists live tokens with their client, scopes and expiry', async () => {
    server([
      aLiveToken(),
      aLiveToken({ jti: 'jti-0002', client_id: 'lab', scope: 'system/Observation.rs', patient: 'p-9' }),
    ]);
    renderApp(<AppRoutes />, signedIn);

    const table = await screen.findByRole('table', { name: 'Live tokens' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByRole('link', { name: 'patient-access' })).toHaveAttribute(
      'href',
      '/clients/patient-access',
    );
    expect(within(rows[1]).getByText(/^in (59|60) minutes$/)).toBeInTheDocument();
    expect(within(rows[2]).getByText('p-9')).toBeInTheDocument();
    expect(within(rows[2]).getByText('system/Observation.rs')).toBeInTheDocument();
  });

  it('revokes one token after confirmation', async () => {
    const { calls } = server([aLiveToken(), aLiveToken({ jti: 'jti-0002' })]);
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Revoke token jti-0002' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke token' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    expect(await screen.findByText('Revoked token jti-0002 of patient-access.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/tokens/jti-0002');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Live tokens' })).getAllByRole('row')).toHaveLength(2),
    );
  });

  it('filters by client from the URL and revokes all of its tokens', async () => {
    const { calls } = server([
      aLiveToken(),
      aLiveToken({ jti: 'jti-0002' }),
      aLiveToken({ jti: 'jti-lab', client_id: 'lab' }),
    ]);
    const { user } = renderApp(<AppRoutes />, { ...signedIn, path: '/tokens?client_id=patient-access' });

    expect(await screen.findByRole('textbox', { name: 'Client ID' })).toHaveValue('patient-access');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Live tokens' })).getAllByRole('row')).toHaveLength(3),
    );
    await user.click(screen.getByRole('button', { name: 'Revoke all tokens of this client…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Revoke all tokens of a client' })).getByRole('button', {
        name: 'Revoke all',
      }),
    );

    expect(await screen.findByText('Revoked 2 tokens of patient-access.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/clients/patient-access/tokens');
    expect(await screen.findByText('This client has no live tokens')).toBeInTheDocument();
  });

  it('puts a typed client id into the URL once typing settles', async () => {
    const { calls } = server([aLiveToken(), aLiveToken({ jti: 'jti-lab', client_id: 'lab' })]);
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByRole('table', { name: 'Live tokens' });

    await user.type(screen.getByRole('textbox', { name: 'Client ID' }), 'lab');

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/tokens?client_id=lab'));
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Live tokens' })).getAllByRole('row')).toHaveLength(2),
    );
    expect(
      calls.filter((c) => c.url.searchParams.has('client_id')).map((c) => c.url.searchParams.get('client_id')),
    ).toEqual(['lab']);
  });

  it('shows the refusal of a revocation in the dialog', async () => {
    stubFetch(
      fakeApi({
        'GET /api/tokens': { items: [aLiveToken()], total: 1 },
        'GET /api/keys': [aSigningKey()],
        'GET /api/grants': { items: [], total: 0 },
        'DELETE /api/tokens/:jti': () => problemResponse(404, 'Not Found', 'No token jti-0001-aaaa-bbbb'),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Revoke token jti-0001-aaaa-bbbb' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke token' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No token jti-0001-aaaa-bbbb');
  });

  it('says when there are no live tokens, and while they load', async () => {
    stubFetch(fakeApi({ 'GET /api/tokens': never, 'GET /api/keys': never, 'GET /api/grants': never }));
    const first = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('Loading live tokens…')).toBeInTheDocument();
    expect(screen.getByText('Loading signing keys…')).toBeInTheDocument();
    first.unmount();

    server([]);
    renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('No live tokens')).toBeInTheDocument();
  });

  it('shows load errors in each section', async () => {
    stubFetch(
      fakeApi({
        'GET /api/tokens': () => problemResponse(500, 'Internal Server Error', 'Token store unavailable'),
        'GET /api/keys': () => problemResponse(500, 'Internal Server Error', 'Key table unavailable'),
        'GET /api/grants': { items: [], total: 0 },
      }),
    );
    renderApp(<AppRoutes />, signedIn);

    const alerts = await screen.findAllByRole('alert');
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(2));
    expect(alerts[0]).toHaveTextContent(/Could not load (live tokens|signing keys)/);
    expect(screen.getByText('Token store unavailable')).toBeInTheDocument();
    expect(screen.getByText('Key table unavailable')).toBeInTheDocument();
  });

  it('lists the signing keys and rotates after confirmation', async () => {
    const { calls } = server([]);
    const { user } = renderApp(<AppRoutes />, signedIn);

    const keys = await screen.findByRole('table', { name: 'Signing keys' });
    expect(within(keys).getAllByRole('row')).toHaveLength(2);
    expect(within(keys).getByText('active')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Rotate signing key…' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the signing key' });
    expect(within(dialog).getByText(/stay in the JWKS until the tokens they signed have expired/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Rotate key' }));

    expect(await screen.findByText(/New signing key kid-new-0002 is active/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/keys/rotate');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Signing keys' })).getAllByRole('row')).toHaveLength(3),
    );
    expect(within(screen.getByRole('table', { name: 'Signing keys' })).getByText('retired')).toBeInTheDocument();
  });

  it("shows each key's algorithm and what it signs (ES256 access tokens, RS256 id_tokens, a retired RS256 key)", async () => {
    server(
      [],
      [],
      [
        aSigningKey({ kid: 'kid-es256', alg: 'ES256', signs: ['access_tokens'] }),
        aSigningKey({ kid: 'kid-rs256-id', alg: 'RS256', signs: ['id_tokens'] }),
        aSigningKey({
          kid: 'kid-rs256-old',
          alg: 'RS256',
          status: 'retired',
          signs: [],
          retired_at: '2025-02-01T00:00:00.000Z',
          remove_after: '2025-02-02T00:05:00.000Z',
        }),
      ],
    );
    renderApp(<AppRoutes />, signedIn);

    const keys = await screen.findByRole('table', { name: 'Signing keys' });
    const cells = (kid: string) =>
      within(within(keys).getByText(kid).closest('tr')!)
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells('kid-es256').slice(1, 4)).toEqual(['ES256', 'access tokens', 'active']);
    expect(cells('kid-rs256-id').slice(1, 4)).toEqual(['RS256', 'id_tokens', 'active']);
    expect(cells('kid-rs256-old').slice(1, 4)).toEqual(['RS256', 'nothing (verifies only)', 'retired']);
  });

  it('lists what people allowed apps and revokes a grant after confirmation', async () => {
    const { calls } = server(
      [],
      [
        aGrant(),
        aGrant({
          id: 'grant-2',
          user_id: 'user-2',
          username: 'dr.jones',
          client_id: 'ward-round',
          client_name: undefined,
          scope: 'user/Patient.rs',
          kind: 'online',
          patient: null,
          last_used_at: null,
        }),
      ],
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    const section = screen.getByRole('region', { name: 'Grants (apps acting for people)' });
    const table = await within(section).findByRole('table', { name: 'Grants' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByRole('link', { name: 'jane.smith' })).toHaveAttribute('href', '/users/user-1');
    expect(within(rows[1]).getByRole('link', { name: 'Growth Chart' })).toHaveAttribute(
      'href',
      '/clients/growth-chart',
    );
    expect(within(rows[1]).getByText('patient/Observation.rs')).toBeInTheDocument();
    expect(within(rows[1]).getByText('offline')).toBeInTheDocument();
    expect(within(rows[2]).getByRole('link', { name: 'ward-round' })).toBeInTheDocument();
    expect(within(rows[2]).getByText('online')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Never')).toBeInTheDocument();

    await user.click(within(rows[2]).getByRole('button', { name: 'Revoke the grant of dr.jones to ward-round' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke grant' });
    expect(within(dialog).getByText(/tokens stop working at once/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke grant' }));

    expect(await screen.findByText('Revoked what dr.jones allowed ward-round.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/grants/grant-2');
    await waitFor(() => expect(within(section).getAllByRole('row')).toHaveLength(2));
  });

  it('says when no app acts for anyone', async () => {
    server([]);
    renderApp(<AppRoutes />, signedIn);
    const section = screen.getByRole('region', { name: 'Grants (apps acting for people)' });
    expect(await within(section).findByText('No grants')).toBeInTheDocument();
  });
});

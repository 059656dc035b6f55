import type { EndUser } from '@ccri/contracts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { anEndUser } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const link = {
  id: 'link-1',
  provider_id: 'google',
  issuer: 'https://accounts.google.com',
  subject: '1234567890',
  email: 'jane@gmail.test',
  linked_at: '2025-04-02T10:00:00.000Z',
};

function server(initial: EndUser[]) {
  let users = initial;
  return stubFetch(
    fakeApi({
      'GET /api/users': () => jsonResponse({ items: users, total: users.length }),
      'GET /api/users/:id': (_call, { id }) => jsonResponse(users.find((u) => u.id === id)),
      'GET /api/grants': { items: [], total: 0 },
      'DELETE /api/users/:id/external-identities/:linkId': (_call, { id, linkId }) => {
        users = users.map((u) =>
          u.id === id ? { ...u, external_identities: u.external_identities.filter((l) => l.id !== linkId) } : u,
        );
        return new Response(null, { status: 204 });
      },
    }),
  );
}

describe('Linked sign-ins on the Users pages', () => {
  it('lists each person’s linked sign-ins, and removes one after asking', async () => {
    const { calls } = server([
      anEndUser({ external_identities: [link] }),
      anEndUser({ id: 'user-2', username: 'sam' }),
    ]);
    const { user } = renderApp(<AppRoutes />, { path: '/users', signedInAs: 'admin' });

    const table = await screen.findByRole('table', { name: 'Users' });
    const links = within(table).getByRole('list', { name: 'Linked sign-ins of jane.smith' });
    expect(links).toHaveTextContent('jane@gmail.test (google)');
    expect(within(within(table).getAllByRole('row')[2]).getByText('none')).toBeInTheDocument();

    await user.click(within(links).getByRole('button', { name: 'Unlink jane@gmail.test (google) from jane.smith' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlink sign-in' });
    expect(dialog).toHaveTextContent('will no longer sign jane.smith in');
    await user.click(within(dialog).getByRole('button', { name: 'Unlink' }));

    expect(await screen.findByText('Unlinked jane@gmail.test (google) from jane.smith.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/users/user-1/external-identities/link-1');
    expect(await screen.findAllByText('none')).toHaveLength(2);
  });

  it('shows them on the person’s page too, and a refusal readably', async () => {
    stubFetch(
      fakeApi({
        'GET /api/users/:id': anEndUser({ external_identities: [link] }),
        'GET /api/grants': { items: [], total: 0 },
        'DELETE /api/users/:id/external-identities/:linkId': () =>
          problemResponse(404, 'Not Found', 'No external identity "link-1" on this user'),
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/users/user-1', signedInAs: 'admin' });
    const links = await screen.findByRole('list', { name: 'Linked sign-ins of jane.smith' });
    await user.click(within(links).getByRole('button', { name: /^Unlink/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlink sign-in' });
    await user.click(within(dialog).getByRole('button', { name: 'Unlink' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No external identity "link-1" on this user');
  });
});

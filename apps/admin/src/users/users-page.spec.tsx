import type { EndUser } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { anEndUser } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/users', signedInAs: 'admin' };

const people = [
  anEndUser(),
  anEndUser({
    id: 'user-2',
    username: 'dr.jones',
    display_name: 'Dr Amy Jones',
    email: null,
    role: 'practitioner',
    fhir_user: 'Practitioner/pr-7',
    enabled: false,
  }),
];

/** A server that filters by search (username or name) and role, as the API does. */
function server(users: EndUser[] = people) {
  return stubFetch(
    fakeApi({
      'GET /api/users': (call) => {
        const search = (call.url.searchParams.get('search') ?? '').toLowerCase();
        const role = call.url.searchParams.get('role');
        const items = users.filter(
          (u) =>
            (!role || u.role === role) &&
            (!search || u.username.includes(search) || u.display_name.toLowerCase().includes(search)),
        );
        return jsonResponse({ items, total: items.length });
      },
    }),
  );
}

describe('Users', () => {
  it('is in the main navigation and lists people with their role, FHIR resource and status', async () => {
    stubFetch(
      fakeApi({
        'GET /api/clients': { items: [], total: 0 },
        'GET /api/users': { items: people, total: 2 },
      }),
    );
    const { user } = renderApp(<AppRoutes />, { path: '/clients', signedInAs: 'admin' });

    await user.click(
      within(screen.getAllByRole('navigation', { name: 'Main' })[0]).getByRole('link', { name: 'Users' }),
    );

    const table = await screen.findByRole('table', { name: 'Users' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByRole('link', { name: 'jane.smith' })).toHaveAttribute('href', '/users/user-1');
    expect(within(rows[1]).getByText('Patient/p-1')).toBeInTheDocument();
    expect(within(rows[1]).getByText('enabled')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Practitioner')).toBeInTheDocument();
    expect(within(rows[2]).getByText('disabled')).toBeInTheDocument();
    expect(screen.getByText('2 users')).toBeInTheDocument();
  });

  it('searches once typing settles, and filters by role', async () => {
    const { calls } = server();
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByRole('table', { name: 'Users' });

    // Keystrokes without a pause between them (a loaded machine could otherwise pause longer than the debounce
    // between two of them, and the page would rightly search for the prefix typed so far).
    await userEvent.setup({ delay: null }).type(screen.getByRole('searchbox', { name: 'Search users' }), 'jones');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/users?search=jones'));
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Users' })).getAllByRole('row')).toHaveLength(2),
    );
    expect(screen.getByRole('link', { name: 'dr.jones' })).toBeInTheDocument();
    expect(calls.map((c) => c.url.searchParams.get('search')).filter(Boolean)).toEqual(['jones']);

    await user.clear(screen.getByRole('searchbox', { name: 'Search users' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Role' }), 'patient');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/users\?role=patient$/));
    expect(await screen.findByRole('link', { name: 'jane.smith' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'dr.jones' })).not.toBeInTheDocument();
    expect(calls.at(-1)?.url.search).toBe('?role=patient&page=1&limit=20');
  });

  it('says when nothing matches, and when the list cannot be loaded', async () => {
    server();
    const first = renderApp(<AppRoutes />, { ...signedIn, path: '/users?search=nobody' });
    expect(await screen.findByText('No matching users')).toBeInTheDocument();
    first.unmount();

    stubFetch(fakeApi({ 'GET /api/users': () => problemResponse(503, 'Service Unavailable', 'Database down') }));
    renderApp(<AppRoutes />, signedIn);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load users');
    expect(alert).toHaveTextContent('Database down');
  });
});

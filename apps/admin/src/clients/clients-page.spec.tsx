import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { loadSession } from '../auth/session-store';
import { aClient } from '../test/client-fixture';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/clients', signedInAs: 'admin' };

describe('Clients list', () => {
  it('shows each client with its id, name, scopes, enabled switch and status', async () => {
    const { calls } = stubFetch(() =>
      jsonResponse({
        items: [
          aClient(),
          aClient({
            client_id: 'limited',
            client_name: 'Limited Access',
            scope: 'profile',
            enabled: false,
            status: 'pending',
          }),
        ],
        total: 2,
      }),
    );
    renderApp(<AppRoutes />, signedIn);

    const table = await screen.findByRole('table', { name: 'Clients' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    const first = within(rows[1]);
    expect(first.getByText('patient-access')).toBeInTheDocument();
    expect(first.getByText('Patient Access')).toBeInTheDocument();
    expect(first.getByText('system/Patient.read')).toBeInTheDocument();
    expect(first.getByText('system/Patient.write')).toBeInTheDocument();
    expect(first.getByRole('switch', { name: 'Enabled: Patient Access' })).toBeChecked();
    expect(first.getByText('active')).toBeInTheDocument();
    const second = within(rows[2]);
    expect(second.getByRole('switch', { name: 'Enabled: Limited Access' })).not.toBeChecked();
    expect(second.getByText('pending')).toBeInTheDocument();
    expect(screen.getByText('1–2 of 2 clients')).toBeInTheDocument();

    expect(calls[0].url.pathname).toBe('/api/clients');
    expect(Object.fromEntries(calls[0].url.searchParams)).toEqual({ page: '1', limit: '20' });
    expect(calls[0].headers.get('authorization')).toBe('Bearer test-token');
  });

  it('marks demo clients, and those refused while demo mode is off', async () => {
    stubFetch(() =>
      jsonResponse({
        items: [
          aClient({ client_id: 'demo-off', client_name: 'Demo Off', demo: true, enabled: false }),
          aClient({ client_id: 'demo-on', client_name: 'Demo On', demo: true }),
          aClient({ client_id: 'real', client_name: 'Real' }),
        ],
        total: 3,
      }),
    );
    renderApp(<AppRoutes />, signedIn);

    const rows = within(await screen.findByRole('table', { name: 'Clients' })).getAllByRole('row');
    expect(within(rows[1]).getByTitle('Demo client: refused while demo mode is off')).toHaveTextContent('demo · off');
    expect(within(rows[2]).getByText('demo')).toBeInTheDocument();
    expect(within(rows[3]).queryByText(/^demo/)).toBeNull();
  });

  it('says so while loading', async () => {
    stubFetch(() => new Promise<Response>(() => {}));
    renderApp(<AppRoutes />, signedIn);

    expect(await screen.findByRole('status')).toHaveTextContent('Loading clients…');
  });

  it('has an empty state that offers to create the first client', async () => {
    stubFetch(() => jsonResponse({ items: [], total: 0 }));
    renderApp(<AppRoutes />, signedIn);

    expect(await screen.findByText('No clients yet')).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: 'New client' }).at(-1)).toHaveAttribute('href', '/clients/new');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the server error and can try again', async () => {
    let fail = true;
    const { calls } = stubFetch(() =>
      fail
        ? problemResponse(500, 'Internal Server Error', 'Database unavailable')
        : jsonResponse({ items: [aClient()], total: 1 }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load clients');
    expect(alert).toHaveTextContent('Database unavailable');

    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('table', { name: 'Clients' })).toBeInTheDocument();
    // The page's list was asked for twice (the pending count beside it is a query of its own).
    expect(calls.filter((c) => c.url.searchParams.get('limit') === '20')).toHaveLength(2);
  });

  it('searches as the user types and filters by status', async () => {
    const { calls } = stubFetch(({ url }) =>
      url.searchParams.get('search') === 'limit'
        ? jsonResponse({ items: [aClient({ client_id: 'limited', client_name: 'Limited Access' })], total: 1 })
        : jsonResponse({ items: [aClient()], total: 1 }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByText('patient-access');

    // Keystrokes without a pause between them: a loaded machine could otherwise pause longer than the debounce.
    await userEvent.setup({ delay: null }).type(screen.getByRole('searchbox', { name: 'Search clients' }), 'limit');

    expect(await screen.findByText('limited')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/clients?search=limit');
    // One request for the settled input, not one per keystroke.
    expect(calls.filter((c) => c.url.searchParams.has('search')).map((c) => c.url.searchParams.get('search'))).toEqual([
      'limit',
    ]);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'pending');
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get('status')).toBe('pending'));
    expect(calls.at(-1)?.url.searchParams.get('search')).toBe('limit');
  });

  it('says when a search matches nothing', async () => {
    stubFetch(() => jsonResponse({ items: [], total: 0 }));
    renderApp(<AppRoutes />, { ...signedIn, path: '/clients?search=nothing' });

    expect(await screen.findByText('No matching clients')).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search clients' })).toHaveValue('nothing');
  });

  it('pages through a long list', async () => {
    const { calls } = stubFetch(({ url }) => {
      const page = Number(url.searchParams.get('page'));
      const items = Array.from({ length: page === 3 ? 5 : 20 }, (_, i) =>
        aClient({ client_id: `c-${page}-${i}`, client_name: `Client ${page}-${i}` }),
      );
      return jsonResponse({ items, total: 45 });
    });
    const { user } = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('1–20 of 45 clients')).toBeInTheDocument();

    const pages = screen.getByRole('navigation', { name: 'Client list pages' });
    await user.click(within(pages).getByRole('button', { name: 'Page 3' }));

    expect(await screen.findByText('41–45 of 45 clients')).toBeInTheDocument();
    expect(screen.getByText('c-3-0')).toBeInTheDocument();
    expect(calls.at(-1)?.url.searchParams.get('page')).toBe('3');
    expect(screen.getByTestId('location')).toHaveTextContent('/clients?page=3');
  });

  it('returns to sign-in when the session has expired on the server', async () => {
    stubFetch(() => problemResponse(401, 'Unauthorized', 'Token expired'));
    renderApp(<AppRoutes />, signedIn);

    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/login');
    expect(loadSession()).toBeNull();
  });

  it('disables a client with the switch', async () => {
    let enabled = true;
    const { calls } = stubFetch(({ method, body }) => {
      if (method === 'PATCH') {
        enabled = (body as { enabled: boolean }).enabled;
        return jsonResponse(aClient({ enabled }));
      }
      return jsonResponse({ items: [aClient({ enabled })], total: 1 });
    });
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('switch', { name: 'Enabled: Patient Access' }));

    await waitFor(() => expect(screen.getByRole('switch', { name: 'Enabled: Patient Access' })).not.toBeChecked());
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.url.pathname).toBe('/api/clients/patient-access');
    expect(patch?.body).toEqual({ enabled: false });
  });

  it('deletes a client only after confirmation', async () => {
    let items = [aClient()];
    const { calls } = stubFetch(({ method }) => {
      if (method === 'DELETE') {
        items = [];
        return new Response(null, { status: 204 });
      }
      return jsonResponse({ items, total: items.length });
    });
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Actions for Patient Access' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete…' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete client' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Actions for Patient Access' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Delete client' })).getByRole('button', { name: 'Delete client' }),
    );

    expect(await screen.findByText('Deleted Patient Access.')).toBeInTheDocument();
    expect(await screen.findByText('No clients yet')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/clients/patient-access');
  });

  it('rotates a secret after confirmation and shows the new one once', async () => {
    const { calls } = stubFetch(({ method }) =>
      method === 'POST'
        ? jsonResponse({ client_id: 'patient-access', client_secret: 'new-secret-value' })
        : jsonResponse({ items: [aClient()], total: 1 }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Actions for Patient Access' }));
    await user.click(screen.getByRole('menuitem', { name: 'Rotate secret…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Rotate client secret' })).getByRole('button', {
        name: 'Rotate secret',
      }),
    );

    const dialog = await screen.findByRole('dialog', { name: 'New client secret' });
    expect(within(dialog).getByLabelText('Client secret')).toHaveValue('new-secret-value');
    expect(within(dialog).getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/clients/patient-access/secret');

    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByDisplayValue('new-secret-value')).not.toBeInTheDocument();
  });
});

describe('Pending self-registrations', () => {
  const pending = aClient({
    client_id: 'portal-app',
    client_name: 'Portal App',
    status: 'pending',
    registered_by: 'portal',
    owner: 'dev-1',
  });

  function server() {
    let status: 'pending' | 'active' | 'rejected' = 'pending';
    return stubFetch(({ method, url }) => {
      if (method === 'POST') {
        status = url.pathname.endsWith('/approve') ? 'active' : 'rejected';
        return jsonResponse({ ...pending, status });
      }
      const wanted = url.searchParams.get('status');
      const items = [aClient(), { ...pending, status }].filter((c) => !wanted || c.status === wanted);
      return jsonResponse({ items, total: items.length });
    });
  }

  it('offers a filter for clients waiting for approval, and says where they came from', async () => {
    server();
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Pending approval (1)' }));

    expect(screen.getByTestId('location')).toHaveTextContent('/clients?status=pending');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Clients' })).getAllByRole('row')).toHaveLength(2),
    );
    expect(screen.getByText('Registered in the developer portal')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveValue('pending');
    expect(screen.queryByRole('button', { name: /Pending approval/ })).not.toBeInTheDocument();
  });

  it('approves from the row menu', async () => {
    const { calls } = server();
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Actions for Portal App' }));
    await user.click(screen.getByRole('menuitem', { name: 'Approve' }));

    expect(await screen.findByText('Approved Portal App.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/clients/portal-app/approve');
  });

  it('rejects only after confirmation', async () => {
    const { calls } = server();
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Actions for Portal App' }));
    await user.click(screen.getByRole('menuitem', { name: 'Reject…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reject registration' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.click(within(dialog).getByRole('button', { name: 'Reject client' }));

    expect(await screen.findByText('Rejected Portal App.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/clients/portal-app/reject');
  });

  it('links each client to its page', async () => {
    server();
    const { user } = renderApp(<AppRoutes />, signedIn);

    expect(await screen.findByRole('link', { name: 'Portal App' })).toHaveAttribute('href', '/clients/portal-app');
    await user.click(screen.getByRole('button', { name: 'Actions for Patient Access' }));
    expect(screen.getByRole('menuitem', { name: 'Edit…' })).toHaveAttribute('href', '/clients/patient-access');
    expect(screen.queryByRole('menuitem', { name: 'Approve' })).not.toBeInTheDocument();
  });
});

describe('Clients list on a phone', () => {
  it('shows a card per client instead of a table', async () => {
    const matchMedia = window.matchMedia;
    window.matchMedia = ((query: string) => ({
      ...matchMedia(query),
      matches: query.includes('max-width'),
    })) as typeof window.matchMedia;
    try {
      stubFetch(() => jsonResponse({ items: [aClient()], total: 1 }));
      renderApp(<AppRoutes />, signedIn);

      const list = await screen.findByRole('list', { name: 'Clients' });
      const card = within(list)
        .getAllByRole('listitem')
        .find((li) => li.textContent?.includes('patient-access')) as HTMLElement;
      expect(within(card).getByText('Patient Access')).toBeInTheDocument();
      expect(within(card).getByRole('switch', { name: 'Enabled: Patient Access' })).toBeChecked();
      expect(within(card).getByRole('button', { name: 'Actions for Patient Access' })).toBeInTheDocument();
      expect(screen.queryByRole('table')).not.toBeInTheDocument();
    } finally {
      window.matchMedia = matchMedia;
    }
  });
});

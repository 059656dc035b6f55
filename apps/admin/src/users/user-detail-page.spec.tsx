import type { AuthorizationGrant, EndUser } from '@ccri/contracts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aGrant, anEndUser } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const at = (id: string) => ({ path: `/users/${id}`, signedInAs: 'admin' });

/** A server holding one person and their grants, changed by PATCH and DELETE as the API would. */
function serverWith(initial: EndUser, initialGrants: AuthorizationGrant[] = []) {
  let person: EndUser | null = initial;
  let grants = initialGrants;
  return stubFetch(
    fakeApi({
      'GET /api/users': () => jsonResponse({ items: person ? [person] : [], total: person ? 1 : 0 }),
      'GET /api/users/:id': (_call, { id }) =>
        person && id === person.id ? jsonResponse(person) : problemResponse(404, 'Not Found', `No user ${id}`),
      'PATCH /api/users/:id': (call) => {
        const { password, ...rest } = call.body as Partial<EndUser> & { password?: string };
        if (password === 'rejected-by-server') {
          return problemResponse(400, 'Bad Request', 'The password is not valid.', [
            { field: 'password', message: 'password appears in a list of breached passwords' },
          ]);
        }
        person = { ...(person as EndUser), ...rest, updated_at: new Date().toISOString() };
        return jsonResponse(person);
      },
      'DELETE /api/users/:id': () => {
        person = null;
        return new Response(null, { status: 204 });
      },
      'POST /api/users/:id/sign-out': () => new Response(null, { status: 204 }),
      'GET /api/grants': (call) => {
        const items = grants.filter((g) => g.user_id === call.url.searchParams.get('user'));
        return jsonResponse({ items, total: items.length });
      },
      'DELETE /api/grants/:id': (_call, { id }) => {
        grants = grants.filter((g) => g.id !== id);
        return new Response(null, { status: 204 });
      },
    }),
  );
}

describe('User page', () => {
  it('shows who the person is and says when there is no such user', async () => {
    serverWith(anEndUser());
    const first = renderApp(<AppRoutes />, at('user-1'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Jane Smith' })).toBeInTheDocument();
    expect(screen.getByText('Patient/p-1')).toBeInTheDocument();
    expect(screen.getByText('enabled')).toBeInTheDocument();
    first.unmount();

    renderApp(<AppRoutes />, at('gone'));
    expect(await screen.findByRole('heading', { level: 1, name: 'User not found' })).toBeInTheDocument();
  });

  it('disables and enables the account', async () => {
    const { calls } = serverWith(anEndUser());
    const { user } = renderApp(<AppRoutes />, at('user-1'));

    await user.click(await screen.findByRole('button', { name: 'Disable' }));
    expect(await screen.findByText(/Disabled: the person cannot sign in/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({
      url: expect.objectContaining({ pathname: '/api/users/user-1' }),
      body: { enabled: false },
    });
    expect(await screen.findByText('disabled')).toBeInTheDocument();

    await user.click(await screen.findByRole('button', { name: 'Enable' }));
    expect(await screen.findByText(/Enabled: the person can sign in again/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([
      { enabled: false },
      { enabled: true },
    ]);
  });

  it('resets the password in a dialog, refusing a short one and showing the server’s reason', async () => {
    const { calls } = serverWith(anEndUser());
    const { user } = renderApp(<AppRoutes />, at('user-1'));

    await user.click(await screen.findByRole('button', { name: 'Reset password…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset password' });
    const password = within(dialog).getByLabelText(/^new password/i);

    await user.type(password, 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(password).toHaveAccessibleDescription(expect.stringContaining('Use at least 12 characters'));
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    await user.clear(password);
    await user.type(password, 'rejected-by-server');
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(await within(dialog).findByText('password appears in a list of breached passwords')).toBeInTheDocument();

    await user.clear(password);
    await user.type(password, 'a much longer passphrase');
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(await screen.findByText('Password reset. The person was signed out everywhere.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ password: 'a much longer passphrase' });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('signs the person out everywhere after confirmation', async () => {
    const { calls } = serverWith(anEndUser());
    const { user } = renderApp(<AppRoutes />, at('user-1'));

    await user.click(await screen.findByRole('button', { name: 'Sign out everywhere…' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await user.click(within(dialog).getByRole('button', { name: 'Sign out everywhere' }));

    expect(await screen.findByText('Signed jane.smith out everywhere.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual(['/api/users/user-1/sign-out']);
  });

  it('lists what the person allowed apps and revokes a grant after confirmation', async () => {
    const { calls } = serverWith(anEndUser(), [
      aGrant(),
      aGrant({ id: 'grant-2', client_id: 'diary', client_name: 'Diary', kind: 'online', last_used_at: null }),
    ]);
    const { user } = renderApp(<AppRoutes />, at('user-1'));

    const table = await screen.findByRole('table', { name: 'Grants' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByRole('link', { name: 'Growth Chart' })).toHaveAttribute('href', '/clients/growth-chart');
    expect(within(table).getByText('offline')).toBeInTheDocument();
    expect(within(table).getByText('Never')).toBeInTheDocument();
    expect(calls.find((c) => c.url.pathname === '/api/grants')?.url.searchParams.get('user')).toBe('user-1');

    await user.click(within(table).getByRole('button', { name: 'Revoke the grant of jane.smith to Diary' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke grant' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke grant' }));

    expect(await screen.findByText('Revoked what jane.smith allowed Diary.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/grants/grant-2');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'Grants' })).getAllByRole('row')).toHaveLength(2),
    );
  });

  it('saves a changed name, and deletes the user after confirmation', async () => {
    const { calls } = serverWith(anEndUser());
    const { user } = renderApp(<AppRoutes />, at('user-1'));

    const form = await screen.findByRole('form', { name: 'Edit user' });
    const name = within(form).getByRole('textbox', { name: /display name/i });
    await user.clear(name);
    await user.type(name, 'Jane A Smith');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Jane A Smith' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ display_name: 'Jane A Smith' });

    await user.click(screen.getByRole('button', { name: 'Delete…' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Delete user' })).getByRole('button', { name: 'Delete user' }),
    );
    expect(await screen.findByRole('heading', { level: 1, name: 'Users' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.url.pathname).toBe('/api/users/user-1');
  });
});

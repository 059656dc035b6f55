import type { CreateEndUserRequest } from '@ccri/contracts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aDirectoryEntry, anEndUser } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/users/new', signedInAs: 'admin' };

const patients = [
  aDirectoryEntry(),
  aDirectoryEntry({ reference: 'Patient/p-2', display: 'Jane Smithson', birth_date: '1955-01-30', nhs_number: null }),
];
const practitioners = [
  aDirectoryEntry({ reference: 'Practitioner/pr-7', display: 'Dr Amy Jones', birth_date: null, nhs_number: null }),
];

function server(onCreate: (body: CreateEndUserRequest) => Response) {
  return stubFetch(
    fakeApi({
      'GET /api/directory/patients': (call) => {
        const search = (call.url.searchParams.get('search') ?? '').toLowerCase();
        return jsonResponse(patients.filter((p) => p.display.toLowerCase().includes(search)));
      },
      'GET /api/directory/practitioners': practitioners,
      'POST /api/users': (call) => onCreate(call.body as CreateEndUserRequest),
      'GET /api/users/:id': (_call, { id }) => jsonResponse(anEndUser({ id, username: 'jane.smith' })),
      'GET /api/grants': { items: [], total: 0 },
    }),
  );
}

describe('New user', () => {
  it('links the person to the patient picked from the directory and creates the account', async () => {
    const { calls } = server((body) => jsonResponse(anEndUser({ id: 'user-9', ...body }), 201));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^username/i }), 'jane.smith');
    await user.type(screen.getByRole('textbox', { name: /^display name/i }), 'Jane Smith');
    await user.type(screen.getByRole('textbox', { name: /^email/i }), 'jane@example.org');
    await user.type(screen.getByRole('searchbox', { name: /search patients/i }), 'smith');

    const matches = await screen.findByRole('list', { name: 'Matching patients' });
    const second = within(matches).getByRole('button', { name: /Jane Smithson/ });
    expect(second).toHaveTextContent('born 1955-01-30');
    const first = within(matches).getByRole('button', { name: /Jane Smith\b.*born 1980-04-12/ });
    expect(first).toHaveTextContent('NHS number 9000000009');
    await user.click(first);
    expect(screen.getByRole('group', { name: 'Chosen patient' })).toHaveTextContent('Patient/p-1');

    await user.type(screen.getByLabelText(/^password/i), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Create user' }));

    expect(await screen.findByText('User created.')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/users/user-9');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      username: 'jane.smith',
      display_name: 'Jane Smith',
      email: 'jane@example.org',
      role: 'patient',
      fhir_user: 'Patient/p-1',
      password: 'correct horse battery',
    });
  });

  it('searches practitioners for a practitioner, and asks for the resource and a long enough password', async () => {
    const { calls } = server(() => jsonResponse({}, 201));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^username/i }), 'dr.jones');
    await user.type(screen.getByRole('textbox', { name: /^display name/i }), 'Dr Amy Jones');
    await user.click(screen.getByRole('radio', { name: 'Practitioner' }));
    await user.type(screen.getByLabelText(/^password/i), 'too-short');
    await user.click(screen.getByRole('button', { name: 'Create user' }));

    const search = screen.getByRole('searchbox', { name: /search practitioners/i });
    expect(search).toHaveAccessibleDescription(expect.stringContaining('Choose the practitioner this person is'));
    expect(search).toHaveFocus();
    expect(screen.getByLabelText(/^password/i)).toHaveAccessibleDescription(
      expect.stringContaining('Use at least 12 characters'),
    );
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.type(search, 'jones');
    await user.click(await screen.findByRole('button', { name: /Dr Amy Jones/ }));
    expect(screen.getByRole('group', { name: 'Chosen practitioner' })).toHaveTextContent('Practitioner/pr-7');
    expect(calls.some((c) => c.url.pathname === '/api/directory/practitioners')).toBe(true);
    expect(calls.some((c) => c.url.pathname === '/api/directory/patients')).toBe(false);
  });

  it('shows the server’s field message on its field', async () => {
    server(() =>
      problemResponse(409, 'Conflict', 'The user is not valid.', [
        { field: 'username', message: 'jane.smith is already taken' },
      ]),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^username/i }), 'jane.smith');
    await user.type(screen.getByRole('textbox', { name: /^display name/i }), 'Jane Smith');
    await user.type(screen.getByRole('searchbox', { name: /search patients/i }), 'smith');
    await user.click(await screen.findByRole('button', { name: /Jane Smithson/ }));
    await user.type(screen.getByLabelText(/^password/i), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Create user' }));

    const username = screen.getByRole('textbox', { name: /^username/i });
    expect(await screen.findByText('jane.smith is already taken')).toBeInTheDocument();
    expect(username).toHaveAccessibleDescription(expect.stringContaining('jane.smith is already taken'));
    expect(username).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { fakeApi, never } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aScope } from '../test/fixtures';
import { renderApp } from '../test/render-app';
import { validateScopeForm } from './edit-scope-modal';

const signedIn = { path: '/scopes', signedInAs: 'admin' };
const catalog = [
  aScope(),
  aScope({
    scope: 'system/*.read',
    description: 'Read all data of every type',
    resource_types: ['*'],
    self_service: false,
  }),
  aScope({ scope: 'openid', description: 'OpenID Connect sign-in', resource_types: [], self_service: false }),
];

describe('validateScopeForm', () => {
  it.each([
    [{ scope: '' }, true, { scope: 'Enter the scope' }],
    [{ scope: 'patient/patient.read' }, true, { scope: '"patient/patient.read" is not a valid SMART scope' }],
    [
      { scope: 'patient/Patient.read', resource_types: 'Patient, observation, 3x' },
      true,
      { resource_types: expect.stringMatching(/^Not resource type names: observation, 3x/) },
    ],
    [{ scope: 'anything', description: 'x'.repeat(1001) }, false, { description: 'Use at most 1000 characters' }],
    [{ scope: 'patient/Patient.read', resource_types: 'Patient *' }, true, {}],
  ])('%j (adding: %s) → %j', (overrides, adding, expected) => {
    expect(
      validateScopeForm({ description: '', resource_types: '', self_service: false, ...overrides }, adding),
    ).toEqual(expected);
  });
});

describe('Scopes page', () => {
  it('lists the catalog with descriptions, resource types and the self-service flag', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    renderApp(<AppRoutes />, signedIn);

    const table = await screen.findByRole('table', { name: 'Scopes' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(within(rows[1]).getByText('patient/Patient.read')).toBeInTheDocument();
    expect(within(rows[1]).getByText('Patient')).toBeInTheDocument();
    expect(within(rows[1]).getByText('self-service')).toBeInTheDocument();
    expect(within(rows[2]).getByText('every type')).toBeInTheDocument();
    expect(within(rows[2]).getByText('administrators only')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Public resource types' })).toBeInTheDocument();
    expect(screen.getByText('HealthcareService')).toBeInTheDocument();
  });

  it('filters by words and by the self-service flag', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    await screen.findByRole('table', { name: 'Scopes' });

    await user.type(screen.getByRole('searchbox', { name: 'Filter scopes' }), 'openid');
    expect(within(screen.getByRole('table', { name: 'Scopes' })).getAllByRole('row')).toHaveLength(2);
    await user.click(screen.getByRole('switch', { name: 'Self-service only' }));
    expect(screen.getByText('No matching scopes')).toBeInTheDocument();
  });

  it('has loading, error and empty states', async () => {
    stubFetch(never);
    const first = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByRole('status')).toHaveTextContent('Loading the scope catalog…');
    first.unmount();

    stubFetch(
      fakeApi({ 'GET /api/scopes': () => problemResponse(500, 'Internal Server Error', 'Database unavailable') }),
    );
    const second = renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load the scope catalog');
    second.unmount();

    stubFetch(fakeApi({ 'GET /api/scopes': [] }));
    renderApp(<AppRoutes />, signedIn);
    expect(await screen.findByText('The catalog is empty')).toBeInTheDocument();
  });

  it('edits a scope and saves it with PUT', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'PUT /api/scopes/:scope': (call, { scope }) => jsonResponse({ scope, ...(call.body as object) }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Edit system/*.read' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit scope' });
    expect(within(dialog).getByRole('textbox', { name: 'Scope' })).toHaveAttribute('readonly');
    const description = within(dialog).getByRole('textbox', { name: /description/i });
    await user.clear(description);
    await user.type(description, 'Everything, for back-office systems');
    await user.click(within(dialog).getByRole('checkbox', { name: /self-service/i }));
    await user.click(within(dialog).getByRole('button', { name: 'Save scope' }));

    expect(await screen.findByText('Saved system/*.read.')).toBeInTheDocument();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.url.pathname).toBe(`/api/scopes/${encodeURIComponent('system/*.read')}`);
    expect(put?.body).toEqual({
      description: 'Everything, for back-office systems',
      resource_types: ['*'],
      self_service: true,
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('adds a scope, prefilling its resource type, and explains a bad one beside the field', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'PUT /api/scopes/:scope': (call, { scope }) => jsonResponse({ scope, ...(call.body as object) }),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Add scope' }));
    const dialog = screen.getByRole('dialog', { name: 'Add scope' });
    const scope = within(dialog).getByRole('textbox', { name: /^scope/i });
    await user.type(scope, 'patient/observation.rs');
    await user.click(within(dialog).getByRole('button', { name: 'Add scope' }));
    expect(scope).toHaveAccessibleDescription(expect.stringContaining('is not a valid SMART scope'));
    expect(scope).toHaveFocus();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.clear(scope);
    await user.type(scope, 'patient/Observation.rs');
    expect(within(dialog).getByRole('textbox', { name: /resource types/i })).toHaveValue('Observation');
    await user.click(within(dialog).getByRole('button', { name: 'Add scope' }));

    expect(await screen.findByText('Saved patient/Observation.rs.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      description: '',
      resource_types: ['Observation'],
      self_service: false,
    });
  });

  it('shows a server refusal in the dialog', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'PUT /api/scopes/:scope': () =>
          problemResponse(400, 'Bad Request', 'The request is not valid', [
            { field: 'resource_types', message: 'resource_types must be resource type names or *' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Edit openid' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit scope' });
    await user.click(within(dialog).getByRole('button', { name: 'Save scope' }));

    expect(await within(dialog).findByText('resource_types must be resource type names or *')).toBeInTheDocument();
  });
});

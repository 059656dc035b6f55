import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient } from '../test/client-fixture';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { renderApp } from '../test/render-app';
import { toCreateClientRequest, validateNewClient, validateScope, type NewClientValues } from './new-client-form';

const signedIn = { path: '/clients/new', signedInAs: 'admin' };

const values = (overrides: Partial<NewClientValues> = {}): NewClientValues => ({
  client_name: 'Lab system',
  description: '',
  scope: 'system/Observation.rs',
  token_endpoint_auth_method: 'client_secret_basic',
  patient: '',
  single_active_token: false,
  enabled: true,
  ...overrides,
});

describe('validateScope', () => {
  it.each([
    ['', 'Enter at least one scope'],
    ['   ', 'Enter at least one scope'],
    ['system/Patient.read', undefined],
    ['patient/*.rs openid fhirUser', undefined],
    ['system/Observation.rs?category=laboratory', undefined],
    ['system/patient.read', '"system/patient.read" is not a valid SMART scope'],
    ['system/Patient.read foo user/Patient.rx', 'Not valid SMART scopes: "foo", "user/Patient.rx"'],
  ])('%j → %j', (scope, message) => {
    expect(validateScope(scope)).toBe(message);
  });
});

describe('validateNewClient', () => {
  it('requires a name and checks the patient id', () => {
    expect(validateNewClient(values())).toEqual({});
    expect(validateNewClient(values({ client_name: '  ' }))).toEqual({ client_name: 'Enter a name' });
    expect(validateNewClient(values({ patient: 'not an id!' }))).toEqual({ patient: expect.stringContaining('Patient id') });
  });

  it('builds the request with normalised scopes and without empty optional fields', () => {
    expect(toCreateClientRequest(values({ client_name: ' Lab ', scope: ' system/Observation.rs  system/Observation.rs\nopenid ' }))).toEqual({
      client_name: 'Lab',
      scope: 'system/Observation.rs openid',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      single_active_token: false,
      enabled: true,
    });
  });
});

describe('New client form', () => {
  it('shows field messages instead of sending an incomplete client', async () => {
    const { fetchMock } = stubFetch(() => jsonResponse({}));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Create client' }));

    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveAccessibleDescription(expect.stringContaining('Enter a name'));
    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter at least one scope'),
    );
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('checks scopes as they are typed', async () => {
    stubFetch(() => jsonResponse({}));
    const { user } = renderApp(<AppRoutes />, signedIn);
    const scopes = await screen.findByRole('textbox', { name: /allowed scopes/i });

    await user.type(scopes, 'system/Patient.read bogus');
    await user.tab();
    expect(scopes).toHaveAccessibleDescription(expect.stringContaining('"bogus" is not a valid SMART scope'));
    expect(scopes).toHaveAttribute('aria-invalid', 'true');

    await user.type(scopes, '{Backspace}{Backspace}{Backspace}{Backspace}{Backspace}openid');
    expect(scopes).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByText(/is not a valid SMART scope/)).not.toBeInTheDocument();
  });

  it('creates the client and shows its secret once', async () => {
    const { calls } = stubFetch(({ method, body }) =>
      method === 'POST'
        ? jsonResponse({ ...aClient({ client_id: 'generated-id', client_name: 'Lab system' }), client_secret: 's3cr3t-once' }, 201)
        : jsonResponse({ items: [], total: 0 }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.click(screen.getByRole('checkbox', { name: /single active token/i }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByLabelText('Client ID')).toHaveValue('generated-id');
    expect(screen.getByLabelText('Client secret')).toHaveValue('s3cr3t-once');
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(calls[0]).toMatchObject({
      method: 'POST',
      body: {
        client_name: 'Lab system',
        scope: 'system/Observation.rs',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        single_active_token: true,
        enabled: true,
      },
    });
    expect(calls[0].url.pathname).toBe('/api/clients');

    await user.click(screen.getByRole('link', { name: 'Back to clients' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(screen.queryByText('s3cr3t-once')).not.toBeInTheDocument();
    expect(JSON.stringify(sessionStorage)).not.toContain('s3cr3t-once');
  });

  it('puts the server field messages under their fields', async () => {
    stubFetch(() =>
      problemResponse(400, 'Bad Request', 'The client is not valid.', [{ field: 'scope', message: 'scope system/Foo.read names no resource type' }]),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Foo.read');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const scopes = screen.getByRole('textbox', { name: /allowed scopes/i });
    expect(await within(scopes.closest('.mantine-InputWrapper-root') as HTMLElement).findByText(/names no resource type/)).toBeInTheDocument();
    expect(scopes).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a general error when the server gives no field', async () => {
    stubFetch(() => problemResponse(409, 'Conflict', 'A client with this name already exists.'));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'openid');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('A client with this name already exists.');
  });
});

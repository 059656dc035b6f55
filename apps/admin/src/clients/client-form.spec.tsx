import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { AppRoutes } from '../app/app-routes';
import { aClient, RSA_PUBLIC_JWK } from '../test/client-fixture';
import { fakeApi } from '../test/fake-api';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { aScope } from '../test/fixtures';
import { renderApp } from '../test/render-app';

const signedIn = { path: '/clients/new', signedInAs: 'admin' };

const catalog = [
  aScope({ scope: 'system/Observation.rs', description: 'Read lab results' }),
  aScope({ scope: 'system/Patient.read', description: 'Read patients' }),
];

describe('New client page', () => {
  it('shows field messages instead of sending an incomplete client', async () => {
    const { calls } = stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.click(await screen.findByRole('button', { name: 'Create client' }));

    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter a name'),
    );
    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toHaveAccessibleDescription(
      expect.stringContaining('Enter at least one scope'),
    );
    expect(screen.getByRole('textbox', { name: /^name/i })).toHaveFocus();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('checks scopes as they are typed', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
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

  it('adds scopes picked from the catalog to the list', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    const { user } = renderApp(<AppRoutes />, signedIn);
    const picker = await screen.findByRole('combobox', { name: 'Add a scope from the catalog' });

    await user.type(picker, 'Observ');
    await user.click(await screen.findByRole('option', { name: /system\/Observation\.rs/ }));

    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toHaveValue('system/Observation.rs');
    await waitFor(() => expect(picker).toHaveValue(''));
  });

  it('creates the client and shows its secret once', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () =>
          jsonResponse(
            { ...aClient({ client_id: 'generated-id', client_name: 'Lab system' }), client_secret: 's3cr3t-once' },
            201,
          ),
        'GET /api/clients': { items: [], total: 0 },
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.click(screen.getByRole('checkbox', { name: /single active token/i }));
    await user.type(screen.getByRole('textbox', { name: /rate limit/i }), '120');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByLabelText('Client ID')).toHaveValue('generated-id');
    expect(screen.getByLabelText('Client secret')).toHaveValue('s3cr3t-once');
    expect(screen.getByRole('button', { name: 'Copy secret' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      client_name: 'Lab system',
      scope: 'system/Observation.rs',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      single_active_token: true,
      enabled: true,
      rate_limit_per_minute: 120,
    });

    await user.click(screen.getByRole('link', { name: 'Back to clients' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Clients' })).toBeInTheDocument();
    expect(screen.queryByText('s3cr3t-once')).not.toBeInTheDocument();
    expect(JSON.stringify(sessionStorage)).not.toContain('s3cr3t-once');
  });

  it('suggests a 300 s lifetime for private_key_jwt and asks for the public keys', async () => {
    const { calls } = stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': (call) =>
          jsonResponse(
            {
              ...aClient({ client_id: 'backend', token_endpoint_auth_method: 'private_key_jwt' }),
              ...(call.body as object),
            },
            201,
          ),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Backend service');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Client authentication' }), 'private_key_jwt');

    const ttl = screen.getByRole('textbox', { name: /token lifetime/i });
    expect(ttl).toHaveValue('300');
    expect(ttl).toHaveAccessibleDescription(expect.stringContaining('SMART Backend Services recommends at most 300 s'));

    await user.click(screen.getByRole('button', { name: 'Create client' }));
    const jwks = screen.getByRole('textbox', { name: /^JWK Set/ });
    expect(jwks).toHaveAccessibleDescription(expect.stringContaining('Paste the public keys as a JWK Set'));
    expect(jwks).toHaveFocus();

    await user.clear(ttl);
    await user.type(ttl, '3600');
    expect(screen.getByRole('note')).toHaveTextContent('Longer than the 300 s SMART Backend Services recommends.');
    await user.click(screen.getByRole('button', { name: 'Use 300 s' }));
    expect(ttl).toHaveValue('300');

    await user.click(jwks);
    await user.paste(JSON.stringify({ keys: [RSA_PUBLIC_JWK] }));
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Client created' })).toBeInTheDocument();
    expect(screen.getByText(/authenticates without a shared secret/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [RSA_PUBLIC_JWK] },
      token_ttl_seconds: 300,
    });
  });

  it('takes a JWK Set URL instead of pasted keys', async () => {
    const { user } = renderApp(<AppRoutes />, signedIn);
    stubFetch(fakeApi({ 'GET /api/scopes': catalog }));
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Client authentication' }), 'private_key_jwt');
    await user.click(screen.getByRole('radio', { name: 'JWK Set URL' }));
    await user.type(screen.getByRole('textbox', { name: /^name/i }), 'Backend');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Observation.rs');
    await user.type(screen.getByRole('textbox', { name: /^JWK Set URL/ }), 'http://keys.example.org/jwks.json');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(screen.getByRole('textbox', { name: /^JWK Set URL/ })).toHaveAccessibleDescription(
      expect.stringContaining('Use an https URL'),
    );
  });

  it('puts the server field messages under their fields', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () =>
          problemResponse(400, 'Bad Request', 'The client is not valid.', [
            { field: 'scope', message: 'scope system/Foo.read names no resource type' },
          ]),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'system/Foo.read');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    const scopes = screen.getByRole('textbox', { name: /allowed scopes/i });
    expect(
      await within(scopes.closest('.mantine-InputWrapper-root') as HTMLElement).findByText(/names no resource type/),
    ).toBeInTheDocument();
    expect(scopes).toHaveFocus();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a general error when the server gives no field', async () => {
    stubFetch(
      fakeApi({
        'GET /api/scopes': catalog,
        'POST /api/clients': () => problemResponse(409, 'Conflict', 'A client with this name already exists.'),
      }),
    );
    const { user } = renderApp(<AppRoutes />, signedIn);

    await user.type(await screen.findByRole('textbox', { name: /^name/i }), 'Lab system');
    await user.type(screen.getByRole('textbox', { name: /allowed scopes/i }), 'openid');
    await user.click(screen.getByRole('button', { name: 'Create client' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('A client with this name already exists.');
  });

  it('still takes typed scopes when the catalog cannot be loaded', async () => {
    stubFetch(fakeApi({ 'GET /api/scopes': () => problemResponse(500, 'Internal Server Error') }));
    renderApp(<AppRoutes />, signedIn);

    const picker = await screen.findByRole('combobox', { name: 'Add a scope from the catalog' });
    await waitFor(() => expect(picker).toBeDisabled());
    expect(screen.getByRole('textbox', { name: /allowed scopes/i })).toBeEnabled();
  });
});

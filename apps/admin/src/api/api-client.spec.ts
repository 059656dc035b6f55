import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, problemResponse, stubFetch } from '../test/fetch-stub';
import { ApiClient } from './api-client';
import { ApiError } from './api-error';

function client(token: string | null = 'tok') {
  const onUnauthorized = vi.fn();
  return { api: new ApiClient({ getToken: () => token, onUnauthorized }), onUnauthorized };
}

describe('ApiClient', () => {
  it('sends the bearer token and leaves empty query values out', async () => {
    const { calls } = stubFetch(() => jsonResponse({ items: [], total: 0 }));
    const { api } = client('abc');

    await expect(
      api.get('/api/clients', { query: { search: '', status: undefined, page: 2, limit: 20 } }),
    ).resolves.toEqual({
      items: [],
      total: 0,
    });

    expect(calls[0].url.pathname).toBe('/api/clients');
    expect(calls[0].url.search).toBe('?page=2&limit=20');
    expect(calls[0].headers.get('authorization')).toBe('Bearer abc');
  });

  it('sends JSON bodies and reads an empty 204 as undefined', async () => {
    const { calls } = stubFetch(() => new Response(null, { status: 204 }));
    const { api } = client();

    await expect(api.patch('/api/clients/x', { enabled: false })).resolves.toBeUndefined();

    expect(calls[0].method).toBe('PATCH');
    expect(calls[0].headers.get('content-type')).toBe('application/json');
    expect(calls[0].body).toEqual({ enabled: false });
  });

  it('turns problem details into an error with field messages', async () => {
    stubFetch(() =>
      problemResponse(400, 'Validation failed', 'The client is not valid.', [
        { field: 'scope', message: 'unknown scope "foo"' },
        { field: 'client_name', message: 'must not be empty' },
      ]),
    );
    const { api } = client();

    const error = await api.post('/api/clients', {}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      message: 'The client is not valid.',
      fieldErrors: { scope: 'unknown scope "foo"', client_name: 'must not be empty' },
    });
  });

  it('falls back to a readable message when the error has no body', async () => {
    stubFetch(
      () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    );

    await expect(client().api.get('/api/clients')).rejects.toMatchObject({
      status: 502,
      message: 'The server had a problem. Try again later.',
    });
  });

  it('reports an unreachable server as status 0', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));

    await expect(client().api.get('/api/clients')).rejects.toMatchObject({
      status: 0,
      message: expect.stringMatching(/cannot reach/i),
    });
  });

  it('ends the session when a request with a token is refused with 401', async () => {
    stubFetch(() => problemResponse(401, 'Unauthorized'));
    const { api, onUnauthorized } = client('expired');

    await expect(api.get('/api/clients')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not treat a failed sign-in (no token yet) as an expired session', async () => {
    stubFetch(() => problemResponse(401, 'Unauthorized', 'Invalid credentials'));
    const { api, onUnauthorized } = client(null);

    await expect(api.post('/api/auth/login', { username: 'a', password: 'b' })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

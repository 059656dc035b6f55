import { createTestApp, databases, TestApp } from '../support/test-app';

const APP_ORIGIN = 'https://app.example.org';
const CONFIGURED_ORIGIN = 'https://static.example.net';
const OTHER_ORIGIN = 'https://evil.example.com';

describe.each(databases())('CORS for browser apps (SMART App Launch) on %s', (db) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp(db, { CORS_ALLOWED_ORIGINS: `${CONFIGURED_ORIGIN}, http://localhost:5173` });
    admin = `Bearer ${await t.adminToken()}`;
    await t.http
      .post('/api/clients')
      .set('Authorization', admin)
      .send({
        client_name: 'browser app',
        scope: 'patient/Patient.read',
        grant_types: ['authorization_code'],
        redirect_uris: [`${APP_ORIGIN}/callback`],
        token_endpoint_auth_method: 'none',
      })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectCors = (headers: Record<string, string>, origin: string) => {
    expect(headers['access-control-allow-origin']).toBe(origin);
    expect(headers['access-control-allow-credentials']).toBeUndefined();
    expect(headers['vary']).toMatch(/Origin/i);
    expect(headers['access-control-expose-headers']).toEqual(expect.stringContaining('Location'));
    for (const name of ['ETag', 'Content-Location']) expect(headers['access-control-expose-headers']).toContain(name);
  };

  it.each([
    ['the FHIR API', () => t.http.get('/fhir/Patient')],
    ['the token endpoint', () => t.http.post('/auth/token').type('form').send({ grant_type: 'client_credentials' })],
    ['revocation', () => t.http.post('/auth/revoke').type('form').send({ token: 'x' })],
    ['introspection', () => t.http.post('/auth/introspect').type('form').send({ token: 'x' })],
  ])('lets a registered redirect URI origin read %s, even its errors', async (_name, call) => {
    const res = await call().set('Origin', APP_ORIGIN);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expectCors(res.headers, APP_ORIGIN);
  });

  it('lets a CORS_ALLOWED_ORIGINS origin in too', async () => {
    const res = await t.http.get('/fhir/Patient').set('Origin', CONFIGURED_ORIGIN).expect(401);
    expectCors(res.headers, CONFIGURED_ORIGIN);
  });

  it('gives any other origin no CORS headers', async () => {
    const res = await t.http.get('/fhir/Patient').set('Origin', OTHER_ORIGIN).expect(401);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['vary']).toMatch(/Origin/i);
  });

  it('answers the preflight of an allowed origin with 204, methods, headers and max-age, no credentials', async () => {
    const res = await t.http
      .options('/auth/token')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type')
      .expect(204);
    expectCors(res.headers, APP_ORIGIN);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);

    const fhir = await t.http
      .options('/fhir/Patient/123')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'PUT')
      .set('Access-Control-Request-Headers', 'authorization, content-type, if-match, prefer')
      .expect(204);
    expect(fhir.headers['access-control-allow-methods']).toMatch(/PUT/);
    expect(fhir.headers['access-control-allow-headers']).toBe('authorization, content-type, if-match, prefer');
  });

  it('lists the headers it reads when the preflight asks for one it does not', async () => {
    const res = await t.http
      .options('/fhir/Patient')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization, x-custom')
      .expect(204);
    expect(res.headers['access-control-allow-headers']).not.toMatch(/x-custom/i);
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });

  it('gives the preflight of another origin no CORS headers', async () => {
    const res = await t.http
      .options('/fhir/Patient')
      .set('Origin', OTHER_ORIGIN)
      .set('Access-Control-Request-Method', 'GET');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('keeps the discovery documents readable from any origin', async () => {
    for (const path of [
      '/.well-known/smart-configuration',
      '/fhir/.well-known/smart-configuration',
      '/fhir/metadata',
    ]) {
      const res = await t.http.get(path).set('Origin', OTHER_ORIGIN).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('sends no CORS on /api, not even to an allowed origin', async () => {
    const res = await t.http.get('/api/clients').set('Origin', APP_ORIGIN).set('Authorization', admin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.http
      .options('/api/clients')
      .set('Origin', APP_ORIGIN)
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).not.toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows a new app at once, and forgets one that is deleted', async () => {
    const origin = 'https://new-app.example.org';
    expect(
      (await t.http.get('/fhir/Patient').set('Origin', origin)).headers['access-control-allow-origin'],
    ).toBeUndefined();
    const created = await t.http
      .post('/api/clients')
      .set('Authorization', admin)
      .send({
        client_name: 'new app',
        scope: 'patient/Patient.read',
        grant_types: ['authorization_code'],
        redirect_uris: [`${origin}/cb`],
      })
      .expect(201);
    expect((await t.http.get('/fhir/Patient').set('Origin', origin)).headers['access-control-allow-origin']).toBe(
      origin,
    );
    await t.http.delete(`/api/clients/${created.body.client_id}`).set('Authorization', admin).expect(204);
    expect(
      (await t.http.get('/fhir/Patient').set('Origin', origin)).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it.each(['app.example.org', 'https://app.example.org/path', '*'])(
    'refuses %s at start, naming the variable',
    async (value) => {
      await expect(createTestApp('sqlite', { CORS_ALLOWED_ORIGINS: value })).rejects.toThrow(/CORS_ALLOWED_ORIGINS/);
    },
  );
});

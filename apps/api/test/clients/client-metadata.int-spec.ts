import { createTestApp, databases, TestApp } from '../support/test-app';

const APP = { client_name: 'Ward app', scope: 'patient/Patient.read launch/patient openid fhirUser' };
const SMART = {
  ...APP,
  grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['https://app.example.org/callback'],
};
const SELF_SERVICE = ['patient/Patient.read', 'launch/patient', 'openid', 'fhirUser', 'profile', 'system/Patient.read'];

describe.each(databases())('client metadata for apps acting for people (SMART App Launch) on %s', (db) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp(db, { RATE_LIMIT_REGISTER_PER_MINUTE: '10000' });
    admin = `Bearer ${await t.adminToken()}`;
    await t.http
      .put('/api/settings/registration')
      .set('Authorization', admin)
      .send({ policy: 'initial-token', self_service_scopes: SELF_SERVICE })
      .expect(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const createViaApi = (body: object) => t.http.post('/api/clients').set('Authorization', admin).send(body);
  const initialToken = async () =>
    (
      await t.http
        .post('/api/settings/registration/initial-access-tokens')
        .set('Authorization', admin)
        .send({})
        .expect(201)
    ).body.initial_access_token as string;
  const register = async (body: object, status: number) =>
    t.http
      .post('/auth/register')
      .set('Authorization', `Bearer ${await initialToken()}`)
      .send(body)
      .expect(status);
  const portalSession = async () =>
    (
      await t.http
        .post('/api/portal/signup')
        .send({
          email: `dev-${Math.random().toString(36).slice(2)}@example.org`,
          name: 'Example Health',
          password: 'portal-password-0123',
        })
        .expect(201)
    ).body.access_token as string;

  describe('POST/PATCH /api/clients', () => {
    it('stores redirect_uris, launch_uri and the signing alg, and returns them in every representation', async () => {
      const created = await createViaApi({ ...SMART, launch_uri: 'https://app.example.org/launch' }).expect(201);
      expect(created.body).toMatchObject({
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['https://app.example.org/callback'],
        launch_uri: 'https://app.example.org/launch',
        token_endpoint_auth_signing_alg: null,
      });
      const id = created.body.client_id as string;
      const read = await t.http.get(`/api/clients/${id}`).set('Authorization', admin).expect(200);
      expect(read.body.redirect_uris).toEqual(['https://app.example.org/callback']);
      const listed = await t.http.get(`/api/clients?search=${id}`).set('Authorization', admin).expect(200);
      expect(listed.body.items[0]).toMatchObject({ launch_uri: 'https://app.example.org/launch' });
      const patched = await t.http
        .patch(`/api/clients/${id}`)
        .set('Authorization', admin)
        .send({ redirect_uris: ['https://app.example.org/cb2', 'http://localhost:4200/cb'] })
        .expect(200);
      expect(patched.body.redirect_uris).toEqual(['https://app.example.org/cb2', 'http://localhost:4200/cb']);
      expect(patched.body.launch_uri).toBe('https://app.example.org/launch');
    });

    it('accepts token_endpoint_auth_signing_alg for a private_key_jwt client', async () => {
      const res = await createViaApi({
        ...APP,
        scope: 'system/Patient.read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://keys.example.org/jwks.json',
        token_endpoint_auth_signing_alg: 'ES384',
      }).expect(201);
      expect(res.body.token_endpoint_auth_signing_alg).toBe('ES384');
    });

    it.each([
      ['native-app private-use scheme', ['org.example.app:/callback']],
      ['loopback http on 127.0.0.1 and [::1]', ['http://127.0.0.1:8080/cb', 'http://[::1]/cb']],
    ])('accepts a %s redirect URI', async (_name, uris) => {
      const res = await createViaApi({ ...SMART, redirect_uris: uris }).expect(201);
      expect(res.body.redirect_uris).toEqual(uris);
    });

    it.each([
      ['a relative redirect URI', { ...SMART, redirect_uris: ['/callback'] }, 'redirect_uris', /not an absolute URL/],
      [
        'a redirect URI with a fragment',
        { ...SMART, redirect_uris: ['https://app.example.org/cb#x'] },
        'redirect_uris',
        /fragment/,
      ],
      [
        'a plain http redirect URI off loopback',
        { ...SMART, redirect_uris: ['http://app.example.org/cb'] },
        'redirect_uris',
        /must use https/,
      ],
      [
        'a javascript: redirect URI',
        { ...SMART, redirect_uris: ['javascript:alert(1)'] },
        'redirect_uris',
        /must use https/,
      ],
      [
        'authorization_code without a redirect URI',
        { ...APP, grant_types: ['authorization_code'] },
        'redirect_uris',
        /at least one/,
      ],
      [
        'refresh_token without authorization_code',
        { ...APP, grant_types: ['client_credentials', 'refresh_token'] },
        'grant_types',
        /needs the authorization_code grant/,
      ],
      [
        'a signing alg on a secret client',
        { ...APP, token_endpoint_auth_signing_alg: 'RS256' },
        'token_endpoint_auth_signing_alg',
        /only to private_key_jwt/,
      ],
      [
        'an unknown signing alg',
        {
          ...APP,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: 'https://keys.example.org/jwks.json',
          token_endpoint_auth_signing_alg: 'HS256',
        },
        'token_endpoint_auth_signing_alg',
        /must be one of/,
      ],
      [
        'a public client with client_credentials',
        { ...APP, token_endpoint_auth_method: 'none' },
        'grant_types',
        /authenticates/,
      ],
      ['an http launch_uri', { ...SMART, launch_uri: 'http://app.example.org/launch' }, 'launch_uri', /https/],
      [
        'a JWK Set with a private key',
        {
          ...APP,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] },
        },
        'jwks',
        /private key material/,
      ],
    ])('refuses %s with a message for the field, creating nothing', async (_name, body, field, message) => {
      const before = (await t.http.get('/api/clients?limit=1').set('Authorization', admin).expect(200)).body.total;
      const res = await createViaApi(body).expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
      const after = (await t.http.get('/api/clients?limit=1').set('Authorization', admin).expect(200)).body.total;
      expect(after).toBe(before);
    });

    it('checks a PATCH against the whole client: dropping the last redirect URI of a code client is refused', async () => {
      const id = (await createViaApi(SMART).expect(201)).body.client_id as string;
      const res = await t.http
        .patch(`/api/clients/${id}`)
        .set('Authorization', admin)
        .send({ redirect_uris: [] })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('redirect_uris');
      const read = await t.http.get(`/api/clients/${id}`).set('Authorization', admin).expect(200);
      expect(read.body.redirect_uris).toEqual(['https://app.example.org/callback']);
    });

    it('creates a public client without a secret, and has none to rotate', async () => {
      const res = await createViaApi({ ...SMART, token_endpoint_auth_method: 'none' }).expect(201);
      expect(res.body.token_endpoint_auth_method).toBe('none');
      expect(res.body.client_secret).toBeUndefined();
      await t.http.post(`/api/clients/${res.body.client_id}/secret`).set('Authorization', admin).expect(409);
    });
  });

  describe('POST /auth/register (RFC 7591)', () => {
    it('registers a SMART app with redirect URIs, taking initiate_login_uri as launch_uri', async () => {
      const res = await register(
        {
          ...SMART,
          response_types: ['code'],
          initiate_login_uri: 'https://app.example.org/launch',
        },
        201,
      );
      expect(res.body).toMatchObject({
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: ['https://app.example.org/callback'],
        launch_uri: 'https://app.example.org/launch',
      });
      const stored = await t.http.get(`/api/clients/${res.body.client_id}`).set('Authorization', admin).expect(200);
      expect(stored.body.launch_uri).toBe('https://app.example.org/launch');
    });

    it('ignores metadata it does not know (RFC 7591 §2)', async () => {
      const res = await register(
        {
          ...SMART,
          contacts: ['ops@example.org'],
          logo_uri: 'https://app.example.org/logo.png',
          tos_uri: 'https://app.example.org/tos',
          software_id: 'ward-app',
          software_version: '2.1',
          application_type: 'web',
          something_new: { nested: true },
        },
        201,
      );
      expect(res.body.contacts).toBeUndefined();
      expect(res.body.something_new).toBeUndefined();
    });

    it('registers a public client: no secret is issued', async () => {
      const res = await register({ ...SMART, token_endpoint_auth_method: 'none' }, 201);
      expect(res.body.token_endpoint_auth_method).toBe('none');
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.client_secret_expires_at).toBeUndefined();
    });

    it.each([
      [
        'a public client with client_credentials',
        { ...APP, token_endpoint_auth_method: 'none' },
        'invalid_client_metadata',
      ],
      [
        'authorization_code without redirect URIs',
        { ...APP, grant_types: ['authorization_code'] },
        'invalid_redirect_uri',
      ],
      [
        'a redirect URI with a fragment',
        { ...SMART, redirect_uris: ['https://a.example/cb#f'] },
        'invalid_redirect_uri',
      ],
      ['an http launch_uri', { ...SMART, initiate_login_uri: 'http://app.example.org/l' }, 'invalid_client_metadata'],
      [
        'a signing alg without private_key_jwt',
        { ...APP, token_endpoint_auth_signing_alg: 'ES256' },
        'invalid_client_metadata',
      ],
    ])('refuses %s', async (_name, body, error) => {
      const res = await register(body, 400);
      expect(res.body.error).toBe(error);
    });
  });

  describe('the developer portal', () => {
    it('registers a SMART app with its redirect URIs and launch URL; the same rules refuse a bad one', async () => {
      const session = await portalSession();
      const created = await t.http
        .post('/api/portal/clients')
        .set('Authorization', `Bearer ${session}`)
        .send({ ...SMART, launch_uri: 'https://app.example.org/launch', token_endpoint_auth_method: 'none' })
        .expect(201);
      expect(created.body).toMatchObject({
        redirect_uris: ['https://app.example.org/callback'],
        launch_uri: 'https://app.example.org/launch',
        token_endpoint_auth_method: 'none',
      });
      expect(created.body.client_secret).toBeUndefined();
      const refused = await t.http
        .post('/api/portal/clients')
        .set('Authorization', `Bearer ${session}`)
        .send({ ...SMART, redirect_uris: ['http://app.example.org/cb'] })
        .expect(400);
      expect(refused.body.errors).toEqual([{ field: 'redirect_uris', message: expect.stringMatching(/https/) }]);
    });
  });
});

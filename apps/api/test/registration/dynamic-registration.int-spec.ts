import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { InitialAccessTokenEntity } from '../../src/registration/initial-access-token.entity';
import { basic, createTestApp, databases, TestApp } from '../support/test-app';

const SETTINGS = '/api/settings/registration';
const TOKENS = `${SETTINGS}/initial-access-tokens`;
const SELF_SERVICE = ['profile', 'patient/Patient.read', 'patient/Condition.read'];
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Registered {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  [name: string]: unknown;
}

describe.each(databases())('dynamic client registration (RFC 7591, RFC 7592) on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(db, {
      RATE_LIMIT_REGISTER_PER_MINUTE: '10000',
      JWKS_URI_ALLOWED_HOSTS: 'keys.example.org',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = async () => `Bearer ${await t.adminToken()}`;
  const setPolicy = async (policy: string, scopes = SELF_SERVICE) => {
    await t.http
      .put(SETTINGS)
      .set('Authorization', await admin())
      .send({ policy, self_service_scopes: scopes })
      .expect(200);
  };
  const register = (body: object, bearer?: string) => {
    const req = t.http.post('/auth/register');
    if (bearer) req.set('Authorization', `Bearer ${bearer}`);
    return req.send(body);
  };
  const issue = async (body: object = {}) =>
    (
      await t.http
        .post(TOKENS)
        .set('Authorization', await admin())
        .send(body)
        .expect(201)
    ).body as { id: string; initial_access_token: string };
  const tokenRequest = (clientId: string, secret: string) =>
    t.http
      .post('/auth/token')
      .set('Authorization', basic(clientId, secret))
      .type('form')
      .send({ grant_type: 'client_credentials' });
  const approve = async (clientId: string) =>
    t.http
      .post(`/api/clients/${clientId}/approve`)
      .set('Authorization', await admin())
      .expect(200);
  const clientCount = async () =>
    (
      await t.http
        .get('/api/clients?limit=1')
        .set('Authorization', await admin())
        .expect(200)
    ).body.total as number;
  const registrationAudit = async (query = '') =>
    (
      await t.http
        .get(`/api/audit?type=registration&limit=200${query}`)
        .set('Authorization', await admin())
        .expect(200)
    ).body.items as Record<string, unknown>[];
  const metadata = (extra: object = {}) => ({
    client_name: 'Ward dashboard',
    scope: 'profile patient/Patient.read',
    ...extra,
  });

  describe('the closed policy', () => {
    beforeAll(() => setPolicy('closed'));

    it('refuses every registration with 403 access_denied, audited as a denial', async () => {
      const token = await issue();
      for (const bearer of [undefined, token.initial_access_token]) {
        const res = await register(metadata(), bearer).expect(403);
        expect(res.body).toEqual({
          error: 'access_denied',
          error_description: expect.stringMatching(/does not accept dynamic client registration/),
        });
        expect(res.headers['cache-control']).toBe('no-store');
      }
      const audit = await registrationAudit();
      expect(audit.filter((a) => a.reason === 'registration_closed')).toEqual([
        expect.objectContaining({ category: 'registration', action: 'register.post', outcome: 'denied', status: 403 }),
        expect.objectContaining({ category: 'registration', action: 'register.post', outcome: 'denied', status: 403 }),
      ]);
    });
  });

  describe('the initial-token policy', () => {
    beforeAll(() => setPolicy('initial-token'));

    it('registers an active client that gets tokens at once (RFC 7591 §3.2.1 response)', async () => {
      const { initial_access_token } = await issue({ max_uses: 5 });
      const res = await register(metadata(), initial_access_token).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      const now = Math.floor(Date.now() / 1000);
      expect(res.body).toEqual({
        client_id: expect.any(String),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        client_id_issued_at: expect.any(Number),
        client_secret_expires_at: 0,
        registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        registration_client_uri: `http://ccri.test/auth/register/${res.body.client_id}`,
        client_name: 'Ward dashboard',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'profile patient/Patient.read',
        status: 'active',
      });
      expect(Math.abs(res.body.client_id_issued_at - now)).toBeLessThanOrEqual(5);
      const token = await tokenRequest(res.body.client_id, res.body.client_secret).expect(200);
      expect(token.body.scope).toBe('profile patient/Patient.read');
      const client = await t.http
        .get(`/api/clients/${res.body.client_id}`)
        .set('Authorization', await admin())
        .expect(200);
      expect(client.body).toMatchObject({ registered_by: 'dynamic', status: 'active' });
      const audit = await registrationAudit(`&client_id=${res.body.client_id}`);
      expect(audit).toEqual([expect.objectContaining({ action: 'register.post', outcome: 'success', status: 201 })]);
    });

    it.each([
      ['no token', undefined, /needs an initial access token/],
      ['an unknown token', 'not-a-real-token', /not valid/],
    ])('refuses %s with 401 invalid_token', async (_name, bearer, description) => {
      const before = await clientCount();
      const res = await register(metadata(), bearer).expect(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: expect.stringMatching(description) });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(await clientCount()).toBe(before);
    });

    it('refuses a token once its uses are spent; an invalid request spends none', async () => {
      const { id, initial_access_token } = await issue({ max_uses: 1 });
      await register(metadata({ scope: 'system/Patient.read' }), initial_access_token).expect(400);
      await register(metadata(), initial_access_token).expect(201);
      const res = await register(metadata(), initial_access_token).expect(401);
      expect(res.body).toEqual({
        error: 'invalid_token',
        error_description: 'The initial access token has been used up',
      });
      const listed = (
        await t.http
          .get(TOKENS)
          .set('Authorization', await admin())
          .expect(200)
      ).body.find((x: { id: string }) => x.id === id);
      expect(listed).toMatchObject({ uses: 1, max_uses: 1, status: 'used_up' });
    });

    it('lets concurrent registrations spend a token no more often than allowed', async () => {
      const { initial_access_token } = await issue({ max_uses: 2 });
      const results = await Promise.all([1, 2, 3, 4].map(() => register(metadata(), initial_access_token)));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 401, 401]);
    });

    it('refuses an expired token', async () => {
      const { id, initial_access_token } = await issue({ max_uses: 5 });
      await t.app
        .get(DataSource)
        .getRepository(InitialAccessTokenEntity)
        .update({ id }, { expiresAt: new Date(Date.now() - 1000) });
      const res = await register(metadata(), initial_access_token).expect(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The initial access token has expired' });
      const listed = (
        await t.http
          .get(TOKENS)
          .set('Authorization', await admin())
          .expect(200)
      ).body.find((x: { id: string }) => x.id === id);
      expect(listed.status).toBe('expired');
    });

    it('refuses a revoked token', async () => {
      const { id, initial_access_token } = await issue({ max_uses: 5 });
      await t.http
        .delete(`${TOKENS}/${id}`)
        .set('Authorization', await admin())
        .expect(204);
      const res = await register(metadata(), initial_access_token).expect(401);
      expect(res.body.error).toBe('invalid_token');
    });

    it('audits each refusal with its reason', async () => {
      const reasons = (await registrationAudit()).filter((a) => a.status === 401).map((a) => a.reason);
      expect(reasons).toEqual(
        expect.arrayContaining([
          'initial_token_missing',
          'initial_token_invalid',
          'initial_token_used_up',
          'initial_token_expired',
        ]),
      );
      for (const a of (await registrationAudit()).filter((x) => x.status === 401)) expect(a.outcome).toBe('denied');
    });

    it('registers a private_key_jwt client whose key then gets tokens (SMART Backend Services)', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
      const kid = randomUUID();
      const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS384', use: 'sig' };
      const { initial_access_token } = await issue();
      const res = await register(
        metadata({
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
          scope: 'patient/Patient.read',
        }),
        initial_access_token,
      ).expect(201);
      expect(res.body.client_secret).toBeUndefined();
      expect(res.body.client_secret_expires_at).toBeUndefined();
      expect(res.body.jwks).toEqual({ keys: [jwk] });
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({
        iss: res.body.client_id,
        sub: res.body.client_id,
        aud: `${t.config.publicUrl}/auth/token`,
        jti: randomUUID(),
        exp: now + 120,
      })
        .setProtectedHeader({ alg: 'RS384', kid, typ: 'JWT' })
        .sign(privateKey);
      const token = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion })
        .expect(200);
      expect(token.body.scope).toBe('patient/Patient.read');
    });
  });

  describe('the open-with-approval policy', () => {
    beforeAll(() => setPolicy('open-with-approval'));

    it('registers a pending client that gets no token until an administrator approves it', async () => {
      const res = await register(metadata()).expect(201);
      expect(res.body.status).toBe('pending');
      const refused = await tokenRequest(res.body.client_id, res.body.client_secret).expect(401);
      expect(refused.body.error).toBe('invalid_client');
      await approve(res.body.client_id);
      const token = await tokenRequest(res.body.client_id, res.body.client_secret).expect(200);
      expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'profile patient/Patient.read' });
      const patients = await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token.body.access_token}`);
      expect(patients.status).toBe(200);
    });

    it('ignores metadata it does not use, including what only administrators may set', async () => {
      const res = await register(
        metadata({
          logo_uri: 'https://app.example.org/logo.png',
          patient: 'p1',
          enabled: false,
          single_active_token: true,
          rate_limit_per_minute: 1,
          client_id: 'chosen',
          client_secret: 'chosen-secret-0123456789',
        }),
      ).expect(201);
      expect(res.body.client_id).not.toBe('chosen');
      expect(res.body.client_secret).not.toBe('chosen-secret-0123456789');
      expect(res.body.logo_uri).toBeUndefined();
      const client = await t.http
        .get(`/api/clients/${res.body.client_id}`)
        .set('Authorization', await admin())
        .expect(200);
      expect(client.body).toMatchObject({
        patient: null,
        enabled: true,
        single_active_token: false,
        rate_limit_per_minute: null,
        status: 'pending',
      });
    });

    it.each([
      [
        'a scope outside the self-service list',
        metadata({ scope: 'profile system/Patient.read' }),
        'invalid_client_metadata',
        /not allowed for self-registered clients: system\/Patient\.read$/,
        'scope_not_allowed',
      ],
      [
        'a write scope',
        metadata({ scope: 'patient/Patient.write' }),
        'invalid_client_metadata',
        /patient\/Patient\.write/,
        'scope_not_allowed',
      ],
      [
        'the password grant',
        metadata({ grant_types: ['password'] }),
        'invalid_client_metadata',
        /password not allowed/,
        'grant_type_not_allowed',
      ],
      [
        'the implicit grant',
        metadata({ grant_types: ['implicit'] }),
        'invalid_client_metadata',
        /implicit not allowed/,
        'grant_type_not_allowed',
      ],
      [
        'a JWK Set holding a private key',
        metadata({
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }] },
        }),
        'invalid_client_metadata',
        /private key material \(d\)/,
        'private_key_in_jwks',
      ],
      [
        'private_key_jwt without keys',
        metadata({ token_endpoint_auth_method: 'private_key_jwt' }),
        'invalid_client_metadata',
        /needs the public keys/,
        'missing_client_keys',
      ],
      [
        'an http jwks_uri',
        metadata({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example.org/jwks.json' }),
        'invalid_client_metadata',
        /https/,
        'invalid_client_metadata',
      ],
      [
        'a plain http redirect URI',
        metadata({ redirect_uris: ['http://app.example.org/callback'] }),
        'invalid_redirect_uri',
        /must use https/,
        'invalid_redirect_uri',
      ],
      [
        'no client_name',
        { scope: 'profile' },
        'invalid_client_metadata',
        /client_name is required/,
        'invalid_client_metadata',
      ],
      ['no scope', { client_name: 'x' }, 'invalid_client_metadata', /scope is required/, 'invalid_client_metadata'],
    ])('refuses %s with 400, creating nothing, audited', async (_name, body, error, description, reason) => {
      const before = await clientCount();
      const res = await register(body).expect(400);
      expect(res.body).toEqual({ error, error_description: expect.stringMatching(description) });
      expect(await clientCount()).toBe(before);
      const audited = (await registrationAudit()).find((a) => a.reason === reason && a.status === 400);
      expect(audited).toMatchObject({ category: 'registration', action: 'register.post', outcome: 'error' });
    });

    it('wants JSON', async () => {
      const form = await t.http
        .post('/auth/register')
        .type('form')
        .send({ client_name: 'x', scope: 'profile' })
        .expect(400);
      expect(form.body).toEqual({
        error: 'invalid_request',
        error_description: expect.stringMatching(/application\/json/),
      });
      const broken = await t.http
        .post('/auth/register')
        .set('Content-Type', 'application/json')
        .send('{"client_name":')
        .expect(400);
      expect(broken.body.error).toBe('invalid_request');
      const array = await register([{ client_name: 'x' }]).expect(400);
      expect(array.body.error).toBe('invalid_client_metadata');
    });
  });

  describe('client configuration (RFC 7592)', () => {
    let a: Registered;
    let b: Registered;
    const asClient = (c: Pick<Registered, 'registration_access_token'>, path: string) => ({
      get: () => t.http.get(path).set('Authorization', `Bearer ${c.registration_access_token}`),
      put: (body: object) => t.http.put(path).set('Authorization', `Bearer ${c.registration_access_token}`).send(body),
      delete: () => t.http.delete(path).set('Authorization', `Bearer ${c.registration_access_token}`),
    });
    const uri = (c: Registered) => `/auth/register/${c.client_id}`;

    beforeAll(async () => {
      await setPolicy('open-with-approval');
      a = (await register(metadata()).expect(201)).body;
      b = (await register(metadata({ client_name: 'Other' })).expect(201)).body;
      await approve(a.client_id);
    });

    it('reads the registration with its token, without secrets', async () => {
      const res = await asClient(a, uri(a)).get().expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const { client_secret: _secret, registration_access_token: _token, ...rest } = a;
      expect(res.body).toEqual({ ...rest, status: 'active' });
    });

    it('answers a missing, wrong or foreign token, and an unknown client, with the same 401 invalid_token', async () => {
      const expected = {
        error: 'invalid_token',
        error_description: 'The registration access token is missing or not valid for this client',
      };
      const answers = [
        await t.http.get(uri(a)),
        await t.http.get(uri(a)).set('Authorization', 'Basic eDp5'),
        await asClient({ registration_access_token: 'wrong-token' }, uri(a)).get(),
        await asClient(b, uri(a)).get(),
        await asClient(a, `/auth/register/${randomUUID()}`).get(),
        await asClient(b, uri(a)).put({ ...metadata(), client_id: a.client_id }),
        await asClient(b, uri(a)).delete(),
        await asClient({ registration_access_token: a.client_secret! }, uri(a)).get(),
      ];
      for (const res of answers) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(expected);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="ccri", error="invalid_token"/);
      }
      const refused = (await registrationAudit()).filter((x) => x.resource_id === a.client_id && x.status === 401);
      expect(refused.map((x) => x.reason).sort()).toEqual([
        ...Array(5).fill('registration_token_invalid'),
        ...Array(2).fill('registration_token_missing'),
      ]);
      for (const x of refused) expect(x.outcome).toBe('denied');
    });

    it('replaces the metadata; narrowing keeps the approval', async () => {
      const res = await asClient(a, uri(a))
        .put({
          client_id: a.client_id,
          client_secret: a.client_secret,
          client_name: 'Renamed',
          scope: 'profile',
          token_endpoint_auth_method: 'client_secret_post',
          registration_client_uri: a.registration_client_uri,
        })
        .expect(200);
      expect(res.body).toMatchObject({
        client_id: a.client_id,
        client_name: 'Renamed',
        scope: 'profile',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        status: 'active',
      });
      expect(res.body.client_secret).toBeUndefined();
      expect((await asClient(a, uri(a)).get().expect(200)).body).toEqual(res.body);
      const token = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: a.client_id, client_secret: a.client_secret })
        .expect(200);
      expect(token.body.scope).toBe('profile');
      const audit = await registrationAudit(`&client_id=${a.client_id}`);
      expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['register.get', 'register.put']));
    });

    it('sends a client that adds a scope back to approval', async () => {
      const res = await asClient(a, uri(a))
        .put({ client_id: a.client_id, client_name: 'Renamed', scope: 'profile patient/Condition.read' })
        .expect(200);
      expect(res.body).toMatchObject({
        scope: 'profile patient/Condition.read',
        status: 'pending',
        token_endpoint_auth_method: 'client_secret_basic',
      });
      await tokenRequest(a.client_id, a.client_secret!).expect(401);
      await approve(a.client_id);
      await tokenRequest(a.client_id, a.client_secret!).expect(200);
    });

    it.each([
      ['no client_id', (c: Registered) => metadata({ client_name: c.client_name }), /client_id must be present/],
      ['another client_id', () => metadata({ client_id: randomUUID() }), /client_id must be present/],
      [
        'a scope beyond the self-service list',
        (c: Registered) => metadata({ client_id: c.client_id, scope: 'profile system/Patient.read' }),
        /not allowed for self-registered clients: system\/Patient\.read/,
      ],
      [
        'a secret of its own choosing',
        (c: Registered) => metadata({ client_id: c.client_id, client_secret: 'my-own-secret-0123456789' }),
        /not the current secret/,
      ],
      [
        'a switch to private_key_jwt',
        (c: Registered) =>
          metadata({
            client_id: c.client_id,
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: 'https://keys.example.org/jwks.json',
          }),
        /cannot switch/,
      ],
      [
        'the password grant',
        (c: Registered) => metadata({ client_id: c.client_id, grant_types: ['client_credentials', 'password'] }),
        /password not allowed/,
      ],
    ])('refuses an update with %s: 400 invalid_client_metadata, nothing changed', async (_name, body, description) => {
      const before = (await asClient(a, uri(a)).get().expect(200)).body;
      const res = await asClient(a, uri(a)).put(body(a)).expect(400);
      expect(res.body).toEqual({
        error: 'invalid_client_metadata',
        error_description: expect.stringMatching(description),
      });
      expect((await asClient(a, uri(a)).get().expect(200)).body).toEqual(before);
    });

    it('keeps scopes an administrator granted beyond the self-service list, but adds none', async () => {
      await t.http
        .patch(`/api/clients/${b.client_id}`)
        .set('Authorization', await admin())
        .send({ scope: 'profile system/Patient.read' })
        .expect(200);
      await asClient(b, uri(b))
        .put({ client_id: b.client_id, client_name: 'Other', scope: 'profile system/Patient.read' })
        .expect(200);
      const res = await asClient(b, uri(b))
        .put({
          client_id: b.client_id,
          client_name: 'Other',
          scope: 'profile system/Patient.read system/Condition.read',
        })
        .expect(400);
      expect(res.body.error_description).toMatch(/system\/Condition\.read$/);
    });

    it('deletes the registration: the client, its secret and its registration token are gone', async () => {
      await approve(b.client_id);
      await tokenRequest(b.client_id, b.client_secret!).expect(200);
      const res = await asClient(b, uri(b)).delete().expect(204);
      expect(res.text).toBe('');
      await asClient(b, uri(b)).get().expect(401);
      const refused = await tokenRequest(b.client_id, b.client_secret!).expect(401);
      expect(refused.body.error).toBe('invalid_client');
      await t.http
        .get(`/api/clients/${b.client_id}`)
        .set('Authorization', await admin())
        .expect(404);
      const audit = await registrationAudit(`&client_id=${b.client_id}`);
      expect(audit[0]).toMatchObject({ action: 'register.delete', outcome: 'success', status: 204 });
    });
  });
});

describe.each(databases())('the registration rate limit on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(db, { RATE_LIMIT_REGISTER_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After past RATE_LIMIT_REGISTER_PER_MINUTE from one address', async () => {
    const body = { client_name: 'x', scope: 'profile' };
    await t.http.post('/auth/register').send(body).expect(403);
    await t.http.post('/auth/register').send(body).expect(403);
    const res = await t.http.post('/auth/register').send(body).expect(429);
    expect(res.body.error).toBe('too_many_requests');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await t.http
      .get('/api/audit?type=registration')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ outcome: 'denied', status: 429, reason: 'rate_limited_ip' });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import type { Client, CreatedClient, DeveloperSession, RegistrationSettings } from '@ccri/contracts';
import { basic, createTestApp, databases, getToken, TestApp } from '../support/test-app';

const PASSWORD = 'portal-password-0123';

describe.each(databases())('the developer portal on %s', (db) => {
  let t: TestApp;
  let address = 0;
  /** Each test signs up from its own address, so the per-address limits of one test never reach another. */
  let ip: string;

  beforeAll(async () => {
    t = await createTestApp(db, { TRUST_PROXY: 'true' });
  });

  afterAll(async () => {
    await t?.close();
  });

  beforeEach(() => {
    address += 1;
    ip = `203.0.113.${address}`;
  });

  const admin = async () => `Bearer ${await t.adminToken()}`;
  const bearer = (session: DeveloperSession) => `Bearer ${session.access_token}`;

  async function signup(email: string, name = 'Example Health'): Promise<DeveloperSession> {
    const res = await t.http
      .post('/api/portal/signup')
      .set('X-Forwarded-For', ip)
      .send({ email, name, password: PASSWORD })
      .expect(201);
    return res.body as DeveloperSession;
  }

  async function setPolicy(
    policy: RegistrationSettings['policy'],
    scopes = ['profile', 'patient/Patient.read', 'system/Observation.*'],
  ): Promise<void> {
    await t.http
      .put('/api/settings/registration')
      .set('Authorization', await admin())
      .send({ policy, self_service_scopes: scopes })
      .expect(200);
  }

  async function register(session: DeveloperSession, body: Record<string, unknown> = {}): Promise<CreatedClient> {
    const res = await t.http
      .post('/api/portal/clients')
      .set('Authorization', bearer(session))
      .send({ client_name: 'Lab system', scope: 'patient/Patient.read', ...body })
      .expect(201);
    return res.body as CreatedClient;
  }

  let n = 0;
  const email = (who = 'dev') => `${who}.${(n += 1)}@example.org`;

  describe('accounts', () => {
    it('signs up into a session that reads the account, and is neither an admin session nor an access token', async () => {
      const address = email();
      const session = await signup(`  ${address.toUpperCase()} `, 'Example Health Ltd');
      expect(session).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 8 * 3600,
        developer: {
          id: expect.any(String),
          email: address,
          name: 'Example Health Ltd',
          created_at: expect.any(String),
        },
      });
      expect(JSON.stringify(session)).not.toContain(PASSWORD);

      const me = await t.http.get('/api/portal/me').set('Authorization', bearer(session)).expect(200);
      expect(me.body).toEqual(session.developer);

      await t.http.get('/api/clients').set('Authorization', bearer(session)).expect(401);
      await t.http.get('/fhir/Patient').set('Authorization', bearer(session)).expect(401);
      const asAdmin = await t.http
        .get('/api/portal/me')
        .set('Authorization', await admin())
        .expect(401);
      expect(asAdmin.body).toMatchObject({ status: 401, code: 'invalid_session' });
      expect(asAdmin.headers['www-authenticate']).toMatch(/^Bearer realm="ccri-portal"/);
    });

    it('refuses a second account for the same address, whatever its case', async () => {
      const address = email();
      await signup(address);
      const res = await t.http
        .post('/api/portal/signup')
        .set('X-Forwarded-For', ip)
        .send({ email: address.toUpperCase(), name: 'Someone else', password: PASSWORD })
        .expect(409);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({
        status: 409,
        code: 'email_taken',
        errors: [{ field: 'email', message: expect.stringMatching(/exists already/) }],
      });
    });

    it.each([
      ['a malformed address', { email: 'not-an-address', name: 'A', password: PASSWORD }, 'email', /email address/],
      [
        'a short password',
        { email: 'short@example.org', name: 'A', password: 'too-short' },
        'password',
        /at least 12 characters/,
      ],
      ['a blank name', { email: 'blank@example.org', name: '   ', password: PASSWORD }, 'name', /must not be empty/],
      ['a missing password', { email: 'none@example.org', name: 'A' }, 'password', /password/],
      [
        'an unknown field',
        { email: 'role@example.org', name: 'A', password: PASSWORD, role: 'admin' },
        'role',
        /should not exist/,
      ],
    ])('refuses %s with a message for the field', async (_name, body, field, message) => {
      const res = await t.http.post('/api/portal/signup').set('X-Forwarded-For', ip).send(body).expect(400);
      expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    });

    it('signs in with the password, and answers a wrong password and an unknown address alike', async () => {
      const address = email();
      await signup(address);
      const ok = await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: address.toUpperCase(), password: PASSWORD })
        .expect(200);
      expect(ok.body).toMatchObject({ token_type: 'Bearer', developer: { email: address } });

      const wrong = await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: address, password: 'not-the-password' })
        .expect(401);
      const unknown = await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: email('nobody'), password: PASSWORD })
        .expect(401);
      expect(wrong.body).toMatchObject({
        status: 401,
        code: 'invalid_credentials',
        detail: 'Wrong email address or password',
      });
      expect({ ...unknown.body, instance: undefined }).toEqual({ ...wrong.body, instance: undefined });
    });

    it('pauses an account after five failed sign-ins, even for the right password', async () => {
      const address = email();
      await signup(address);
      for (let i = 0; i < 5; i++) {
        await t.http
          .post('/api/portal/login')
          .set('X-Forwarded-For', ip)
          .send({ email: address, password: `wrong-password-${i}` })
          .expect(401);
      }
      const res = await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: address, password: PASSWORD })
        .expect(429);
      expect(res.body).toMatchObject({ status: 429, code: 'too_many_attempts' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
    });

    it('pauses an address that fails for many accounts', async () => {
      const victim = email('victim');
      await signup(victim);
      for (let i = 0; i < 30; i++) {
        await t.http
          .post('/api/portal/login')
          .set('X-Forwarded-For', ip)
          .send({ email: `guess${i}@example.org`, password: 'guessing-password' })
          .expect(401);
      }
      await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: victim, password: PASSWORD })
        .expect(429);
      // The same account from elsewhere is not held back.
      await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', '198.51.100.7')
        .send({ email: victim, password: PASSWORD })
        .expect(200);
    });

    it('limits how many accounts one address creates in an hour', async () => {
      for (let i = 0; i < 20; i++) await signup(email('team'));
      const res = await t.http
        .post('/api/portal/signup')
        .set('X-Forwarded-For', ip)
        .send({ email: email('team'), name: 'One more', password: PASSWORD })
        .expect(429);
      expect(res.body.code).toBe('too_many_attempts');
      expect(res.headers['retry-after']).toBeDefined();
    });

    it('ends the session on sign-out', async () => {
      const session = await signup(email());
      await t.http.post('/api/portal/logout').set('Authorization', bearer(session)).expect(204);
      const res = await t.http.get('/api/portal/me').set('Authorization', bearer(session)).expect(401);
      expect(res.body.detail).toBe('The session has ended');
    });

    it('refuses a missing, forged or foreign token on every portal route', async () => {
      const session = await signup(email());
      const [h, p] = session.access_token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${session.access_token.split('.')[2]}`;
      const routes: ['get' | 'post' | 'delete', string][] = [
        ['get', '/api/portal/me'],
        ['post', '/api/portal/logout'],
        ['get', '/api/portal/registration'],
        ['get', '/api/portal/clients'],
        ['post', '/api/portal/clients'],
        ['get', '/api/portal/clients/x'],
        ['delete', '/api/portal/clients/x'],
        ['post', '/api/portal/clients/x/secret'],
      ];
      for (const [method, path] of routes) {
        const none = await t.http[method](path).expect(401);
        expect(none.body.code).toBe('not_signed_in');
        const bad = await t.http[method](path).set('Authorization', `Bearer ${forged}`).expect(401);
        expect(bad.body.code).toBe('invalid_session');
      }
    });
  });

  describe('clients', () => {
    it('offers the self-service allow-list, described from the catalog', async () => {
      await setPolicy('open-with-approval', ['profile', 'patient/Observation.rs']);
      const session = await signup(email());
      const res = await t.http.get('/api/portal/registration').set('Authorization', bearer(session)).expect(200);
      expect(res.body).toEqual({
        policy: 'open-with-approval',
        scopes: [
          {
            scope: 'profile',
            description: expect.stringMatching(/Publicly available/),
            resource_types: [],
            self_service: true,
          },
          { scope: 'patient/Observation.rs', description: '', resource_types: [], self_service: true },
        ],
      });
    });

    it('refuses to register while registration is closed', async () => {
      await setPolicy('closed');
      const session = await signup(email());
      const res = await t.http
        .post('/api/portal/clients')
        .set('Authorization', bearer(session))
        .send({ client_name: 'Lab', scope: 'profile' })
        .expect(403);
      expect(res.body).toMatchObject({
        status: 403,
        code: 'registration_closed',
        detail: expect.stringMatching(/closed/),
      });
      expect((await t.http.get('/api/portal/clients').set('Authorization', bearer(session)).expect(200)).body).toEqual({
        items: [],
        total: 0,
      });
    });

    it('registers a pending client under open-with-approval; it gets tokens once an administrator approves it', async () => {
      await setPolicy('open-with-approval');
      const session = await signup(email());
      const created = await register(session, { description: 'Reads patients' });
      expect(created).toMatchObject({
        client_name: 'Lab system',
        description: 'Reads patients',
        scope: 'patient/Patient.read',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        status: 'pending',
        registered_by: 'portal',
        owner: session.developer.id,
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      });
      const client = { client_id: created.client_id, client_secret: created.client_secret! };
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(client.client_id, client.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);

      const pending = await t.http
        .get('/api/clients?status=pending')
        .set('Authorization', await admin())
        .expect(200);
      expect(pending.body.items.map((c: Client) => c.client_id)).toContain(created.client_id);
      await t.http
        .post(`/api/clients/${created.client_id}/approve`)
        .set('Authorization', await admin())
        .expect(200);
      const token = await getToken(t, client);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
    });

    it('registers an active client under initial-token: the portal account stands in for the initial access token', async () => {
      await setPolicy('initial-token');
      const session = await signup(email());
      const created = await register(session);
      expect(created.status).toBe('active');
      await getToken(
        t,
        { client_id: created.client_id, client_secret: created.client_secret! },
        'patient/Patient.read',
      );
    });

    it('allows only scopes the allow-list covers (a wildcard covers narrower scopes)', async () => {
      await setPolicy('initial-token', ['profile', 'system/Observation.*']);
      const session = await signup(email());
      const ok = await register(session, { scope: 'system/Observation.rs profile' });
      expect(ok.scope).toBe('system/Observation.rs profile');
      const res = await t.http
        .post('/api/portal/clients')
        .set('Authorization', bearer(session))
        .send({ client_name: 'Greedy', scope: 'system/Observation.read system/Patient.read system/*.read' })
        .expect(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        errors: [
          { field: 'scope', message: 'not offered for self-service registration: system/Patient.read system/*.read' },
        ],
      });
    });

    it.each([
      ['a patient context', { patient: 'p1' }, 'patient'],
      ['a token lifetime', { token_ttl_seconds: 86400 }, 'token_ttl_seconds'],
      ['a rate limit', { rate_limit_per_minute: 100000 }, 'rate_limit_per_minute'],
      ['enabled', { enabled: true }, 'enabled'],
      ['grant types', { grant_types: ['authorization_code'] }, 'grant_types'],
      ['a malformed scope', { scope: 'patient/Patient.fly' }, 'scope'],
      ['no name', { client_name: '' }, 'client_name'],
      ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'jwks'],
      ['a JWK Set that is not one', { token_endpoint_auth_method: 'private_key_jwt', jwks: { key: [] } }, 'jwks'],
    ])('refuses %s with a message for the field', async (_name, body, field) => {
      await setPolicy('initial-token');
      const session = await signup(email());
      const res = await t.http
        .post('/api/portal/clients')
        .set('Authorization', bearer(session))
        .send({ client_name: 'Lab', scope: 'profile', ...body })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('registers a private_key_jwt client with its public keys, and refuses private key material', async () => {
      await setPolicy('initial-token', ['system/Observation.rs']);
      const session = await signup(email());
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS384' };
      const created = await register(session, {
        scope: 'system/Observation.rs',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [publicJwk] },
      });
      expect(created.client_secret).toBeUndefined();
      expect(created.jwks).toEqual({ keys: [publicJwk] });

      const leaked = await t.http
        .post('/api/portal/clients')
        .set('Authorization', bearer(session))
        .send({
          client_name: 'Oops',
          scope: 'system/Observation.rs',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [privateKey.export({ format: 'jwk' })] },
        })
        .expect(400);
      expect(leaked.body.errors).toEqual([{ field: 'jwks', message: expect.stringMatching(/private key material/) }]);
    });

    it("shows a developer only their own clients, and answers for another's exactly as for none", async () => {
      await setPolicy('initial-token');
      const alice = await signup(email('alice'));
      const bob = await signup(email('bob'));
      const hers = await register(alice, { client_name: 'Alice app' });
      const his = await register(bob, { client_name: 'Bob app' });

      const aliceList = await t.http.get('/api/portal/clients').set('Authorization', bearer(alice)).expect(200);
      expect(aliceList.body.items.map((c: Client) => c.client_id)).toEqual([hers.client_id]);
      expect(aliceList.body.total).toBe(1);
      expect(JSON.stringify(aliceList.body)).not.toContain(hers.client_secret!);
      expect(
        (await t.http.get(`/api/portal/clients/${hers.client_id}`).set('Authorization', bearer(alice)).expect(200))
          .body,
      ).toMatchObject({
        client_id: hers.client_id,
        owner: alice.developer.id,
      });

      const strip = (body: Record<string, unknown>) => ({ ...body, detail: undefined, instance: undefined });
      const unknown = await t.http
        .get('/api/portal/clients/no-such-client')
        .set('Authorization', bearer(alice))
        .expect(404);
      for (const [method, path] of [
        ['get', `/api/portal/clients/${his.client_id}`],
        ['delete', `/api/portal/clients/${his.client_id}`],
        ['post', `/api/portal/clients/${his.client_id}/secret`],
      ] as const) {
        const res = await t.http[method](path).set('Authorization', bearer(alice)).expect(404);
        expect(strip(res.body)).toEqual(strip(unknown.body));
        expect(res.body.detail).toBe(`No client ${his.client_id}`);
      }
      // Bob's client is untouched: it still gets tokens with its secret.
      await getToken(t, { client_id: his.client_id, client_secret: his.client_secret! });
    });

    it('rotates a secret: the old one stops working, the new one works', async () => {
      await setPolicy('initial-token');
      const session = await signup(email());
      const created = await register(session);
      const rotated = await t.http
        .post(`/api/portal/clients/${created.client_id}/secret`)
        .set('Authorization', bearer(session))
        .expect(200);
      expect(rotated.body).toEqual({ client_id: created.client_id, client_secret: expect.any(String) });
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(created.client_id, created.client_secret!))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      await getToken(t, { client_id: created.client_id, client_secret: rotated.body.client_secret });
    });

    it('deletes a client: it is gone from the list and its tokens are refused', async () => {
      await setPolicy('initial-token');
      const session = await signup(email());
      const created = await register(session);
      const token = await getToken(t, { client_id: created.client_id, client_secret: created.client_secret! });
      await t.http.delete(`/api/portal/clients/${created.client_id}`).set('Authorization', bearer(session)).expect(204);
      expect(
        (await t.http.get('/api/portal/clients').set('Authorization', bearer(session)).expect(200)).body.total,
      ).toBe(0);
      await t.http.get(`/api/portal/clients/${created.client_id}`).set('Authorization', bearer(session)).expect(404);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(401);
    });

    it('audits sign-up, sign-in and every change with the developer as actor, and never a password', async () => {
      await setPolicy('initial-token');
      const address = email('audited');
      const session = await signup(address);
      await t.http
        .post('/api/portal/login')
        .set('X-Forwarded-For', ip)
        .send({ email: address, password: 'wrong-password!' })
        .expect(401);
      const created = await register(session);
      await t.http
        .post(`/api/portal/clients/${created.client_id}/secret`)
        .set('Authorization', bearer(session))
        .expect(200);
      await t.http.delete(`/api/portal/clients/${created.client_id}`).set('Authorization', bearer(session)).expect(204);

      const audit = await t.http
        .get('/api/audit?type=admin&limit=1000')
        .set('Authorization', await admin())
        .expect(200);
      const mine = (audit.body.items as { actor: string }[]).filter((r) => r.actor === `developer:${address}`);
      expect(mine).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'portal.signup', outcome: 'success', status: 201 }),
          expect.objectContaining({
            action: 'portal.login',
            outcome: 'denied',
            status: 401,
            reason: 'invalid_credentials',
          }),
          expect.objectContaining({ action: 'portal.client.create', outcome: 'success', client_id: created.client_id }),
          expect.objectContaining({
            action: 'portal.client.rotate_secret',
            outcome: 'success',
            resource_id: created.client_id,
          }),
          expect.objectContaining({
            action: 'portal.client.delete',
            outcome: 'success',
            resource_id: created.client_id,
          }),
        ]),
      );
      expect(JSON.stringify(audit.body)).not.toContain(PASSWORD);
      expect(JSON.stringify(audit.body)).not.toContain(created.client_secret!);
    });
  });
});

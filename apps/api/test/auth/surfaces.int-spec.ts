import { basic, createClient, createTestApp, databases, getToken, TestApp } from '../support/test-app';

describe.each(databases())('HTTP surfaces on %s', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(db);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('Swagger', () => {
    it('serves the UI at /api/docs', async () => {
      const res = await t.http.get('/api/docs').redirects(1).expect(200);
      expect(res.text).toContain('swagger-ui');
    });

    it('documents /auth, /api and /fhir, with a client-credentials scheme on /auth/token that FHIR routes use', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/auth/token', '/auth/jwks', '/api/clients', '/api/audit']),
      );
      expect(Object.keys(doc.paths).some((p) => p.startsWith('/fhir/'))).toBe(true);
      const smart = doc.components.securitySchemes.smart;
      expect(smart.type).toBe('oauth2');
      expect(smart.flows.clientCredentials.tokenUrl).toBe(`${t.config.publicUrl}/auth/token`);
      expect(Object.keys(smart.flows.clientCredentials.scopes)).toContain('system/Patient.read');
      const fhirOps = Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)
        .filter(([p]) => p.startsWith('/fhir/') && !p.endsWith('/metadata') && !p.includes('.well-known'))
        .flatMap(([, ops]) => Object.values(ops));
      expect(fhirOps.length).toBeGreaterThan(0);
      for (const op of fhirOps) expect(op.security).toEqual([{ smart: [] }]);
    });
  });

  describe('health and metrics', () => {
    it('answers liveness and readiness (the database checked)', async () => {
      expect((await t.http.get('/health/live').expect(200)).body.status).toBe('ok');
      const ready = (await t.http.get('/health/ready').expect(200)).body;
      expect(ready.details.database.status).toBe('up');
    });

    it('counts requests, tokens issued and refused, and FHIR denials', async () => {
      const client = await createClient(t, 'system/Patient.read');
      const access = await getToken(t, client);
      await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'nope' })
        .expect(401);
      await t.http.get('/fhir/Condition').set('Authorization', `Bearer ${access}`).expect(403);
      const text = (await t.http.get('/metrics').expect(200)).text;
      expect(text).toMatch(/ccri_tokens_issued_total\{grant_type="client_credentials"\} [1-9]/);
      expect(text).toMatch(/ccri_token_requests_refused_total\{reason="invalid_client_credentials"\} [1-9]/);
      expect(text).toMatch(/ccri_fhir_denials_total\{resource_type="Condition",interaction="search-type"\} 1/);
      expect(text).toMatch(/ccri_http_request_duration_seconds_bucket\{.*route="\/auth\/token".*status="200"/);
      expect(text).not.toContain(access);
    });

    it('counts per-entry denials too: a batch entry, a transaction entry and a _revinclude the token may not read', async () => {
      const client = await createClient(t, 'system/Patient.read system/Patient.write');
      const auth = `Bearer ${await getToken(t, client)}`;
      // A _revinclude leaves something out only when the search found something to include from.
      await t.http.post('/fhir/Patient').set('Authorization', auth).send({ resourceType: 'Patient' }).expect(201);
      const denials = async () => (await t.http.get('/metrics').expect(200)).text;
      const before = await denials();
      for (const line of [
        'Observation",interaction="search',
        'Encounter",interaction="read',
        'Observation",interaction="_revinclude',
      ])
        expect(before).not.toContain(`ccri_fhir_denials_total{resource_type="${line}"}`);

      const batch = await t.http
        .post('/fhir')
        .set('Authorization', auth)
        .send({
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            { request: { method: 'GET', url: 'Observation?code=x' } },
            { request: { method: 'GET', url: 'Patient' } },
          ],
        })
        .expect(200);
      expect(batch.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
        expect.stringMatching(/^403/),
        expect.stringMatching(/^200/),
      ]);
      await t.http
        .post('/fhir')
        .set('Authorization', auth)
        .send({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ request: { method: 'GET', url: 'Encounter/e1' } }],
        })
        .expect(403);
      await t.http
        .get('/fhir/Patient')
        .query({ _revinclude: 'Observation:subject' })
        .set('Authorization', auth)
        .expect(200);

      const after = await denials();
      expect(after).toMatch(/ccri_fhir_denials_total\{resource_type="Observation",interaction="search"\} 1\n/);
      expect(after).toMatch(/ccri_fhir_denials_total\{resource_type="Encounter",interaction="read"\} 1\n/);
      expect(after).toMatch(/ccri_fhir_denials_total\{resource_type="Observation",interaction="_revinclude"\} 1\n/);
    });
  });

  describe('management API', () => {
    it('refuses without a session, as problem details', async () => {
      const res = await t.http.get('/api/clients').expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'not_signed_in' });
    });

    it('refuses an access token as an admin session', async () => {
      const access = await getToken(t, await createClient(t, 'system/Patient.read'));
      await t.http.get('/api/clients').set('Authorization', `Bearer ${access}`).expect(401);
    });

    it('refuses a wrong password, and an admin session is no FHIR token', async () => {
      const wrong = await t.http
        .post('/api/auth/login')
        .send({ username: 'test-admin', password: 'wrong-password' })
        .expect(401);
      expect(wrong.body.code).toBe('invalid_credentials');
      const session = await t.adminToken();
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${session}`).expect(401);
    });

    it('gives field-level messages for a bad client', async () => {
      const res = await t.http
        .post('/api/clients')
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .send({ client_name: '', scope: 'patient/Patient.read bogus', grant_types: ['password'], unknown_field: 1 })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['client_name', 'scope', 'grant_types', 'unknown_field']));
    });

    it('pages every list the same way: page and limit in range, each list its own largest page', async () => {
      const admin = await t.adminToken();
      const lists: [string, number][] = [
        ['/api/clients', 200],
        ['/api/users', 200],
        ['/api/bulk-exports', 200],
        ['/api/audit', 1000],
      ];
      for (const [path, largest] of lists) {
        const get = (query: string) => t.http.get(`${path}?${query}`).set('Authorization', `Bearer ${admin}`);
        await get(`page=2&limit=${largest}`).expect(200);
        for (const bad of ['page=0', 'page=x', 'limit=0', `limit=${largest + 1}`, 'limit=2.5']) {
          const res = await get(bad).expect(400);
          expect(res.body.code).toBe('validation_failed');
          expect(new Set((res.body.errors as { field: string }[]).map((e) => e.field))).toEqual(
            new Set([bad.split('=')[0]]),
          );
        }
      }
    });

    it('never shows a secret or its hash after creation', async () => {
      const admin = await t.adminToken();
      const created = await createClient(t, 'system/Patient.read');
      const listed = await t.http
        .get(`/api/clients?search=${created.client_id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(listed.body.total).toBe(1);
      const one = await t.http
        .get(`/api/clients/${created.client_id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      for (const body of [JSON.stringify(listed.body), JSON.stringify(one.body)]) {
        expect(body).not.toContain(created.client_secret);
        expect(body).not.toMatch(/"(client_secret|secret_hash|secretHash)"/);
        expect(body).not.toMatch(/[0-9a-f]{64}/);
      }
    });

    it('drops the secret of a client moved to private_key_jwt, and issues one only by rotation when it moves back', async () => {
      const admin = `Bearer ${await t.adminToken()}`;
      const client = await createClient(t, 'system/Patient.read');
      const jwks = {
        keys: [
          {
            kty: 'EC',
            crv: 'P-256',
            x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
            y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
            kid: 'k',
          },
        ],
      };
      await t.http
        .patch(`/api/clients/${client.client_id}`)
        .set('Authorization', admin)
        .send({ token_endpoint_auth_method: 'private_key_jwt', jwks })
        .expect(200);
      await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret })
        .expect(401);
      await t.http
        .patch(`/api/clients/${client.client_id}`)
        .set('Authorization', admin)
        .send({ token_endpoint_auth_method: 'client_secret_basic' })
        .expect(200);
      await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret })
        .expect(401);
      const rotated = await t.http
        .post(`/api/clients/${client.client_id}/secret`)
        .set('Authorization', admin)
        .expect(200);
      // The new secret works, by the method the client is registered for (client_secret_basic).
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(client.client_id, rotated.body.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
    });

    it('answers an unknown client with 404 problem details', async () => {
      const res = await t.http
        .get('/api/clients/does-not-exist')
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .expect(404);
      expect(res.body).toMatchObject({ status: 404, code: 'client_not_found' });
    });

    it('lists and filters the audit trail', async () => {
      const admin = await t.adminToken();
      const client = await createClient(t, 'system/Patient.read');
      await getToken(t, client);
      await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'bad' })
        .expect(401);
      const all = await t.http
        .get(`/api/audit?client_id=${client.client_id}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(all.body.total).toBe(2);
      const denied = await t.http
        .get(`/api/audit?client_id=${client.client_id}&outcome=denied`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(denied.body.items).toHaveLength(1);
      expect(denied.body.items[0]).toMatchObject({
        category: 'token',
        outcome: 'denied',
        status: 401,
        reason: 'invalid_client_credentials',
      });
      const future = new Date(Date.now() + 60_000).toISOString();
      const none = await t.http
        .get(`/api/audit?client_id=${client.client_id}&from=${future}`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(none.body.total).toBe(0);
      const paged = await t.http
        .get(`/api/audit?client_id=${client.client_id}&limit=1&page=2`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(paged.body).toMatchObject({ total: 2 });
      expect(paged.body.items).toHaveLength(1);
      await t.http.get('/api/audit?outcome=maybe').set('Authorization', `Bearer ${admin}`).expect(400);
    });
  });

  describe('bad input never gets a 500', () => {
    it.each([
      [
        'malformed JSON to /api',
        () => t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"username": '),
        400,
      ],
      [
        'unknown content type to /api',
        () => t.http.post('/api/auth/login').set('Content-Type', 'text/xml').send('<x/>'),
        415,
      ],
      [
        'a huge token request',
        () =>
          t.http
            .post('/auth/token')
            .type('form')
            .send({ grant_type: 'client_credentials', scope: 'x'.repeat(100_000) }),
        401,
      ],
      ['an unknown route', () => t.http.get('/nowhere'), 404],
      [
        'an oversize bearer token',
        () => t.http.get('/fhir/Patient').set('Authorization', `Bearer ${'a'.repeat(9000)}`),
        401,
      ],
    ])('%s', async (_name, send, status) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
    });
  });
});

import { createTestApp, databases, TestApp } from '../support/test-app';

const SETTINGS = '/api/settings/registration';
const TOKENS = `${SETTINGS}/initial-access-tokens`;

describe.each(databases())('registration settings on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(db);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = async () => `Bearer ${await t.adminToken()}`;

  describe('the policy', () => {
    it('is closed by default outside demo mode, offering the catalog scopes flagged self_service', async () => {
      const catalog = (
        await t.http
          .get('/api/scopes')
          .set('Authorization', await admin())
          .expect(200)
      ).body as { scope: string; self_service: boolean }[];
      const offered = catalog.filter((s) => s.self_service).map((s) => s.scope);
      expect(offered.length).toBeGreaterThan(0);
      const res = await t.http
        .get(SETTINGS)
        .set('Authorization', await admin())
        .expect(200);
      expect(res.body.policy).toBe('closed');
      expect([...res.body.self_service_scopes].sort()).toEqual([...offered].sort());
    });

    it('is for administrators only', async () => {
      await t.http.get(SETTINGS).expect(401);
      await t.http.put(SETTINGS).send({ policy: 'open-with-approval', self_service_scopes: [] }).expect(401);
      await t.http.post(TOKENS).send({}).expect(401);
      await t.http.get(TOKENS).expect(401);
    });

    it('is replaced by PUT, with duplicate scopes dropped, and audited', async () => {
      const res = await t.http
        .put(SETTINGS)
        .set('Authorization', await admin())
        .send({ policy: 'initial-token', self_service_scopes: ['profile', 'patient/Patient.rs', 'profile'] })
        .expect(200);
      expect(res.body).toEqual({ policy: 'initial-token', self_service_scopes: ['profile', 'patient/Patient.rs'] });
      expect(
        (
          await t.http
            .get(SETTINGS)
            .set('Authorization', await admin())
            .expect(200)
        ).body,
      ).toEqual(res.body);
      const audit = await t.http
        .get('/api/audit?type=admin')
        .set('Authorization', await admin())
        .expect(200);
      expect(audit.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'registration_settings.update', outcome: 'success', actor: 'test-admin' }),
        ]),
      );
    });

    it.each([
      ['an unknown policy', { policy: 'open', self_service_scopes: [] }, 'policy', /policy must be one of/],
      [
        'a scope that does not parse',
        { policy: 'closed', self_service_scopes: ['profile', 'patient/Patient.fly'] },
        'self_service_scopes',
        /not SMART scopes: "patient\/Patient\.fly"$/,
      ],
      [
        'a scope that is not a string',
        { policy: 'closed', self_service_scopes: [42] },
        'self_service_scopes',
        /not SMART scopes: 42$/,
      ],
      [
        'scopes as a string',
        { policy: 'closed', self_service_scopes: 'profile' },
        'self_service_scopes',
        /must be an array/,
      ],
      ['a missing policy', { self_service_scopes: [] }, 'policy', /policy must be one of/],
      ['a missing scope list', { policy: 'closed' }, 'self_service_scopes', /must be an array/],
      ['an unknown field', { policy: 'closed', self_service_scopes: [], open: true }, 'open', /should not exist/],
    ])('refuses %s with problem details naming the field', async (_name, body, field, message) => {
      const res = await t.http
        .put(SETTINGS)
        .set('Authorization', await admin())
        .send(body)
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
    });
  });

  describe('initial access tokens', () => {
    it('are shown once, listed without the token, and revoked', async () => {
      const before = Date.now();
      const issued = await t.http
        .post(TOKENS)
        .set('Authorization', await admin())
        .send({ expires_in: 3600, max_uses: 3 })
        .expect(201);
      expect(issued.headers['cache-control']).toBe('no-store');
      expect(issued.body).toEqual({
        id: expect.any(String),
        initial_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{64}$/),
        expires_at: expect.any(String),
        max_uses: 3,
      });
      const expiresIn = Date.parse(issued.body.expires_at) - before;
      expect(expiresIn).toBeGreaterThanOrEqual(3600_000);
      expect(expiresIn).toBeLessThan(3660_000);

      const defaults = await t.http
        .post(TOKENS)
        .set('Authorization', await admin())
        .send({})
        .expect(201);
      expect(defaults.body.max_uses).toBe(1);
      expect(Date.parse(defaults.body.expires_at) - before).toBeGreaterThanOrEqual(86_400_000);

      const listed = await t.http
        .get(TOKENS)
        .set('Authorization', await admin())
        .expect(200);
      const entry = listed.body.find((x: { id: string }) => x.id === issued.body.id);
      expect(entry).toEqual({
        id: issued.body.id,
        created_at: expect.any(String),
        expires_at: issued.body.expires_at,
        max_uses: 3,
        uses: 0,
        status: 'active',
      });
      expect(JSON.stringify(listed.body)).not.toContain(issued.body.initial_access_token);

      await t.http
        .delete(`${TOKENS}/${issued.body.id}`)
        .set('Authorization', await admin())
        .expect(204);
      const after = await t.http
        .get(TOKENS)
        .set('Authorization', await admin())
        .expect(200);
      expect(after.body.map((x: { id: string }) => x.id)).not.toContain(issued.body.id);
      const again = await t.http
        .delete(`${TOKENS}/${issued.body.id}`)
        .set('Authorization', await admin())
        .expect(404);
      expect(again.body.code).toBe('initial_access_token_not_found');
    });

    it.each([
      ['a lifetime under a minute', { expires_in: 59 }, 'expires_in'],
      ['a lifetime over a year', { expires_in: 31_536_001 }, 'expires_in'],
      ['a fractional lifetime', { expires_in: 90.5 }, 'expires_in'],
      ['no uses', { max_uses: 0 }, 'max_uses'],
      ['uses as a string', { max_uses: 'many' }, 'max_uses'],
    ])('refuses %s', async (_name, body, field) => {
      const res = await t.http
        .post(TOKENS)
        .set('Authorization', await admin())
        .send(body)
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});

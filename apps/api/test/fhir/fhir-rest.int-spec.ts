import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const FHIR_JSON = /^application\/fhir\+json/;

describe.each(databases())('FHIR REST interactions on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const base = () => `${t.config.publicUrl}/fhir`;

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  const patient = {
    resourceType: 'Patient',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }],
    name: [{ use: 'official', family: 'Brontë', given: ['Zoë', 'Ann'] }],
    gender: 'female',
    birthDate: '1970-05-02',
    extension: [{ url: 'http://example.org/ext', valueDecimal: 1.5 }],
    meta: { profile: ['http://example.org/StructureDefinition/p'], tag: [{ system: 'urn:t', code: 'x' }] },
    text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Zoë — “quoted” &amp; ✓</div>' },
  };

  function withoutServerMeta(resource: Record<string, unknown>) {
    const { id: _id, meta, ...rest } = resource as { id?: string; meta?: Record<string, unknown> };
    const { versionId: _v, lastUpdated: _l, ...clientMeta } = meta ?? {};
    return { ...rest, meta: clientMeta };
  }

  describe('create', () => {
    it('answers 201 with Location, ETag, Last-Modified and the stored resource', async () => {
      const before = Date.now();
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Content-Type', 'application/fhir+json')
        .send(JSON.stringify(patient))
        .expect(201);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      const body = res.body;
      expect(body.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      // A UUIDv7 whose time is the create's, so new rows land at the ends of the primary-key B-trees.
      expect(body.id).toMatch(UUID_V7);
      expect(Number.parseInt(body.id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(before);
      expect(body.meta.versionId).toBe('1');
      expect(Date.parse(body.meta.lastUpdated)).toBeGreaterThanOrEqual(before - 1000);
      expect(res.headers.location).toBe(`${base()}/Patient/${body.id}/_history/1`);
      expect(res.headers.etag).toBe('W/"1"');
      expect(new Date(res.headers['last-modified']).getTime()).toBe(
        Math.floor(Date.parse(body.meta.lastUpdated) / 1000) * 1000,
      );
      expect(withoutServerMeta(body)).toEqual(patient);
    });

    it('ignores a client-supplied id and meta.versionId (R4 http.html#create)', async () => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .send({ ...patient, id: 'client-chosen', meta: { versionId: '99' } })
        .expect(201);
      expect(res.body.id).not.toBe('client-chosen');
      expect(res.body.meta.versionId).toBe('1');
    });

    it('accepts application/json too', async () => {
      await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(patient))
        .expect(201);
    });

    it('honours Prefer: return=minimal', async () => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Prefer', 'return=minimal')
        .send(patient)
        .expect(201);
      expect(res.text).toBe('');
      expect(res.headers.location).toMatch(/\/_history\/1$/);
    });

    it('honours Prefer: return=OperationOutcome', async () => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Prefer', 'return=OperationOutcome')
        .send(patient)
        .expect(201);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0]).toMatchObject({ severity: 'information' });
    });

    it('refuses a resourceType that is not the URL type with 400', async () => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .send({ resourceType: 'Condition' })
        .expect(400);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: 'invalid' });
    });

    it.each([
      ['an array', [patient]],
      ['a JSON string', '"Patient"'],
      ['no resourceType', { name: [] }],
      ['a bad meta', { resourceType: 'Patient', meta: [] }],
    ])('refuses %s with 400', async (_what, body) => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Content-Type', 'application/fhir+json')
        .send(typeof body === 'string' ? body : JSON.stringify(body))
        .expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    });

    it('refuses malformed JSON with a 400 OperationOutcome', async () => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Content-Type', 'application/fhir+json')
        .send('{"resourceType": "Patient",')
        .expect(400);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
    });

    it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])(
      'refuses Content-Type %s with a 415 OperationOutcome',
      async (type) => {
        const res = await t.http
          .post('/fhir/Patient')
          .set('Authorization', auth)
          .set('Content-Type', type)
          .send('resourceType=Patient')
          .expect(415);
        expect(res.headers['content-type']).toMatch(FHIR_JSON);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(res.body.issue[0].code).toBe('not-supported');
      },
    );

    it('names the created resource in the audit trail', async () => {
      const created = (
        await t.http
          .post('/fhir/Organization')
          .set('Authorization', auth)
          .send({ resourceType: 'Organization', name: 'Audit Org' })
          .expect(201)
      ).body;
      const audit = await t.http
        .get('/api/audit')
        .query({ type: 'fhir', limit: 100 })
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .expect(200);
      const record = (audit.body.items as { resource_id?: string; action: string }[]).find(
        (r) => r.resource_id === created.id,
      );
      expect(record).toMatchObject({ action: 'create', resource_type: 'Organization' });
    });
  });

  describe('read', () => {
    it('round-trips the content exactly, with the same ETag and Last-Modified', async () => {
      const created = await t.http.post('/fhir/Patient').set('Authorization', auth).send(patient).expect(201);
      const res = await t.http.get(`/fhir/Patient/${created.body.id}`).set('Authorization', auth).expect(200);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expect(res.body).toEqual(created.body);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.headers['last-modified']).toBe(created.headers['last-modified']);
    });

    it('answers 404 for an unknown id', async () => {
      const res = await t.http.get('/fhir/Patient/does-not-exist').set('Authorization', auth).expect(404);
      expect(res.headers['content-type']).toMatch(FHIR_JSON);
      expect(res.body.issue[0].code).toBe('not-found');
    });

    it('answers 404 for an id that cannot exist', async () => {
      await t.http
        .get(`/fhir/Patient/${'x'.repeat(65)}`)
        .set('Authorization', auth)
        .expect(404);
    });

    it.each(['Foo', 'patient', 'DomainResource'])('answers 404 not-supported for the type %s', async (type) => {
      const res = await t.http.get(`/fhir/${type}/1`).set('Authorization', auth).expect(404);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].code).toBe('not-supported');
      const search = await t.http.get(`/fhir/${type}`).set('Authorization', auth).expect(404);
      expect(search.body.issue[0].code).toBe('not-supported');
    });

    it('needs a token', async () => {
      const res = await t.http.get('/fhir/Patient/x').expect(401);
      expect(res.body.resourceType).toBe('OperationOutcome');
    });
  });

  describe('update', () => {
    it('creates a new version with its own ETag and keeps the old one readable (vread)', async () => {
      const created = (await t.http.post('/fhir/Patient').set('Authorization', auth).send(patient).expect(201)).body;
      const changed = { ...created, gender: 'other', meta: { profile: created.meta.profile } };
      const res = await t.http.put(`/fhir/Patient/${created.id}`).set('Authorization', auth).send(changed).expect(200);
      expect(res.body.meta.versionId).toBe('2');
      expect(res.body.gender).toBe('other');
      expect(res.headers.etag).toBe('W/"2"');
      expect(res.headers.location).toBe(`${base()}/Patient/${created.id}/_history/2`);
      expect((await t.http.get(`/fhir/Patient/${created.id}`).set('Authorization', auth).expect(200)).body.gender).toBe(
        'other',
      );
      const v1 = await t.http.get(`/fhir/Patient/${created.id}/_history/1`).set('Authorization', auth).expect(200);
      expect(v1.body).toEqual(created);
      expect(v1.headers.etag).toBe('W/"1"');
      await t.http.get(`/fhir/Patient/${created.id}/_history/3`).set('Authorization', auth).expect(404);
      await t.http.get(`/fhir/Patient/${created.id}/_history/x`).set('Authorization', auth).expect(404);
    });

    it('creates a resource with the client id when the id is new (update as create)', async () => {
      const id = `uac-${Date.now()}`;
      const res = await t.http
        .put(`/fhir/Patient/${id}`)
        .set('Authorization', auth)
        .send({ ...patient, id })
        .expect(201);
      expect(res.body.id).toBe(id);
      expect(res.body.meta.versionId).toBe('1');
      expect(res.headers.location).toBe(`${base()}/Patient/${id}/_history/1`);
    });

    it('gives concurrent updates of one resource consecutive versions, none lost', async () => {
      const id = `concurrent-${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.http
            .put(`/fhir/Patient/${id}`)
            .set('Authorization', auth)
            .send({ resourceType: 'Patient', id, name: [{ family: `Writer${i}` }] }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const current = await t.http.get(`/fhir/Patient/${id}`).set('Authorization', auth).expect(200);
      expect(current.body.meta.versionId).toBe('8');
      const families = await t.http
        .get('/fhir/Patient')
        .query({ _id: id, family: 'writer' })
        .set('Authorization', auth)
        .expect(200);
      expect(families.body.total).toBe(1);
    });

    it('refuses a body id that differs from the URL id with 400', async () => {
      const res = await t.http
        .put('/fhir/Patient/abc')
        .set('Authorization', auth)
        .send({ ...patient, id: 'xyz' })
        .expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/does not match/);
    });

    it('refuses a body without id with 400', async () => {
      await t.http.put('/fhir/Patient/abc').set('Authorization', auth).send(patient).expect(400);
    });

    it('refuses a body of another type with 400', async () => {
      await t.http
        .put('/fhir/Patient/abc')
        .set('Authorization', auth)
        .send({ resourceType: 'Organization', id: 'abc' })
        .expect(400);
    });

    it('refuses an invalid id with 400', async () => {
      await t.http
        .put('/fhir/Patient/a_b')
        .set('Authorization', auth)
        .send({ ...patient, id: 'a_b' })
        .expect(400);
    });
  });

  describe('delete', () => {
    it('answers 204, then reads answer 410 Gone; deleting again is harmless; update brings it back', async () => {
      const created = (
        await t.http
          .post('/fhir/Condition')
          .set('Authorization', auth)
          .send({ resourceType: 'Condition', subject: { reference: 'Patient/x' } })
          .expect(201)
      ).body;
      const del = await t.http.delete(`/fhir/Condition/${created.id}`).set('Authorization', auth).expect(204);
      expect(del.headers.etag).toBe('W/"2"');
      const gone = await t.http.get(`/fhir/Condition/${created.id}`).set('Authorization', auth).expect(410);
      expect(gone.headers['content-type']).toMatch(FHIR_JSON);
      expect(gone.body.issue[0].code).toBe('deleted');
      await t.http.get(`/fhir/Condition/${created.id}/_history/2`).set('Authorization', auth).expect(410);
      await t.http.get(`/fhir/Condition/${created.id}/_history/1`).set('Authorization', auth).expect(200);
      await t.http.delete(`/fhir/Condition/${created.id}`).set('Authorization', auth).expect(204);
      const back = await t.http
        .put(`/fhir/Condition/${created.id}`)
        .set('Authorization', auth)
        .send({ ...created, meta: undefined })
        .expect(200);
      expect(back.body.meta.versionId).toBe('3');
    });

    it('answers 404 for an unknown resource', async () => {
      await t.http.delete('/fhir/Condition/never-existed').set('Authorization', auth).expect(404);
    });

    it('removes the resource from search results', async () => {
      const created = (
        await t.http
          .post('/fhir/Organization')
          .set('Authorization', auth)
          .send({ resourceType: 'Organization', name: 'Ephemeral Unique Org' })
          .expect(201)
      ).body;
      expect(
        (
          await t.http
            .get('/fhir/Organization')
            .query({ name: 'ephemeral unique' })
            .set('Authorization', auth)
            .expect(200)
        ).body.total,
      ).toBe(1);
      await t.http.delete(`/fhir/Organization/${created.id}`).set('Authorization', auth).expect(204);
      expect(
        (
          await t.http
            .get('/fhir/Organization')
            .query({ name: 'ephemeral unique' })
            .set('Authorization', auth)
            .expect(200)
        ).body.total,
      ).toBe(0);
    });
  });

  describe('scopes', () => {
    it('refuses an interaction the token does not hold with 403', async () => {
      const readOnly = `Bearer ${await tokenFor(t, 'system/Patient.read')}`;
      await t.http.post('/fhir/Patient').set('Authorization', readOnly).send(patient).expect(403);
      await t.http.get('/fhir/Condition').set('Authorization', readOnly).expect(403);
      await t.http.get('/fhir/Patient').set('Authorization', readOnly).expect(200);
    });

    it('lets a profile-only token read the public types', async () => {
      const profile = `Bearer ${await tokenFor(t, 'profile')}`;
      const org = (
        await t.http
          .post('/fhir/Organization')
          .set('Authorization', auth)
          .send({ resourceType: 'Organization', name: 'Public Org' })
          .expect(201)
      ).body;
      await t.http.get(`/fhir/Organization/${org.id}`).set('Authorization', profile).expect(200);
      await t.http.get('/fhir/Location').set('Authorization', profile).expect(200);
      await t.http.get('/fhir/Patient').set('Authorization', profile).expect(403);
    });
  });
});

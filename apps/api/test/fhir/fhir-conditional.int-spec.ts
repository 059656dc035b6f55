import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

/** Conditional update and conditional delete (R4 http.html#cond-update, #cdelete), gated and audited like their plain forms. */
describe.each(databases())('FHIR conditional update and delete on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};

  const patient = (value: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:cond', value }],
    ...extra,
  });

  const create = async (key: string, resource: Record<string, unknown>) => {
    const res = await t.http.post('/fhir/Patient').set('Authorization', auth).send(resource).expect(201);
    ids[key] = res.body.id;
  };

  const read = (id: string, expected: number) =>
    t.http.get(`/fhir/Patient/${id}`).set('Authorization', auth).expect(expected);

  const auditOf = async (id: string) => {
    const audit = await t.http
      .get('/api/audit')
      .query({ type: 'fhir', limit: 200 })
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    return (audit.body.items as { resource_id?: string; action: string; outcome: string; status: number }[])
      .filter((r) => r.resource_id === id)
      .map((r) => [r.action, r.status]);
  };

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    await create('one', patient('1', { gender: 'male' }));
    await create('two', patient('2'));
    await create('twinA', patient('ta', { name: [{ family: 'Twin' }] }));
    await create('twinB', patient('tb', { name: [{ family: 'Twin' }] }));
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('PUT [type]?search', () => {
    it('updates the one match, with or without its id in the body, and audits an update', async () => {
      const res = await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|1' })
        .set('Authorization', auth)
        .send(patient('1', { gender: 'female' }))
        .expect(200);
      expect(res.body.id).toBe(ids.one);
      expect(res.headers.etag).toBe('W/"2"');
      expect((await read(ids.one, 200)).body.gender).toBe('female');
      await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|1' })
        .set('Authorization', auth)
        .send(patient('1', { id: ids.one, gender: 'other' }))
        .expect(200);
      expect((await read(ids.one, 200)).body.meta.versionId).toBe('3');
      expect(await auditOf(ids.one)).toEqual(expect.arrayContaining([['update', 200]]));
    });

    it('honours If-Match on the match', async () => {
      await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|1' })
        .set('Authorization', auth)
        .set('If-Match', 'W/"1"')
        .send(patient('1'))
        .expect(412);
    });

    it('refuses a body whose id is not the match', async () => {
      const res = await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|1' })
        .set('Authorization', auth)
        .send(patient('1', { id: ids.two }))
        .expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
    });

    it('creates when nothing matches: a new id, or the body id (update as create)', async () => {
      const res = await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|3' })
        .set('Authorization', auth)
        .send(patient('3'))
        .expect(201);
      expect(res.headers.location).toContain(`/fhir/Patient/${res.body.id}/_history/1`);
      expect((await read(res.body.id, 200)).body.identifier[0].value).toBe('3');
      const named = await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|4' })
        .set('Authorization', auth)
        .send(patient('4', { id: 'cond-four' }))
        .expect(201);
      expect(named.body.id).toBe('cond-four');
      expect(await auditOf('cond-four')).toEqual([['update', 201]]);
    });

    it('answers 412 for several matches and changes none of them', async () => {
      const res = await t.http
        .put('/fhir/Patient')
        .query({ family: 'Twin' })
        .set('Authorization', auth)
        .send(patient('x'))
        .expect(412);
      expect(res.body.issue[0].code).toBe('multiple-matches');
      expect((await read(ids.twinA, 200)).body.meta.versionId).toBe('1');
      expect((await read(ids.twinB, 200)).body.meta.versionId).toBe('1');
    });

    it.each([[{}], [{ nonsense: 'x' }], [{ birthdate: 'not-a-date' }], [{ _count: '5' }]])(
      'refuses a condition %j that names no valid search with a 400 OperationOutcome',
      async (query) => {
        const res = await t.http.put('/fhir/Patient').query(query).set('Authorization', auth).send(patient('9'));
        expect(res.status).toBe(400);
        expect(res.body.resourceType).toBe('OperationOutcome');
      },
    );

    it('treats an injection string in the condition as a value that matches nothing', async () => {
      const res = await t.http
        .put('/fhir/Patient')
        .query({ identifier: "' OR '1'='1" })
        .set('Authorization', auth)
        .send(patient('inj'))
        .expect(201);
      expect((await read(ids.one, 200)).body.identifier[0].value).toBe('1');
      await t.http.delete(`/fhir/Patient/${res.body.id}`).set('Authorization', auth).expect(204);
    });
  });

  describe('DELETE [type]?search', () => {
    it('deletes the one match (then 410) and audits a delete', async () => {
      await t.http.delete('/fhir/Patient').query({ identifier: 'urn:cond|2' }).set('Authorization', auth).expect(204);
      await read(ids.two, 410);
      expect(await auditOf(ids.two)).toEqual(expect.arrayContaining([['delete', 204]]));
    });

    it('answers 412 for several matches and deletes none', async () => {
      const res = await t.http.delete('/fhir/Patient').query({ family: 'Twin' }).set('Authorization', auth).expect(412);
      expect(res.body.resourceType).toBe('OperationOutcome');
      await read(ids.twinA, 200);
      await read(ids.twinB, 200);
    });

    it('answers 404 when nothing matches, and 400 without a condition', async () => {
      const none = await t.http
        .delete('/fhir/Patient')
        .query({ identifier: 'urn:cond|999' })
        .set('Authorization', auth)
        .expect(404);
      expect(none.body.issue[0].code).toBe('not-found');
      await t.http.delete('/fhir/Patient').set('Authorization', auth).expect(400);
      await t.http.delete('/fhir/Patient').query({ nonsense: 'x' }).set('Authorization', auth).expect(400);
    });

    it('keeps injection strings harmless', async () => {
      for (const attack of ["' OR '1'='1", "x'; DELETE FROM fhir_resources; --", '%', '*']) {
        const res = await t.http.delete('/fhir/Patient').query({ family: attack }).set('Authorization', auth);
        expect([400, 404]).toContain(res.status);
        expect(res.body.resourceType).toBe('OperationOutcome');
      }
      await read(ids.twinA, 200);
    });
  });

  describe('scopes', () => {
    it('needs search besides update or delete, since the condition is a search', async () => {
      const updateOnly = `Bearer ${await tokenFor(t, 'system/Patient.u')}`;
      const res = await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|ta' })
        .set('Authorization', updateOnly)
        .send(patient('ta'))
        .expect(403);
      expect(res.headers['www-authenticate']).toContain('insufficient_scope');
      const deleteOnly = `Bearer ${await tokenFor(t, 'system/Patient.d')}`;
      await t.http
        .delete('/fhir/Patient')
        .query({ identifier: 'urn:cond|ta' })
        .set('Authorization', deleteOnly)
        .expect(403);
      await read(ids.twinA, 200);
    });

    it('refuses a token without update or delete, and a create without c', async () => {
      const readOnly = `Bearer ${await tokenFor(t, 'system/Patient.rs')}`;
      await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|ta' })
        .set('Authorization', readOnly)
        .send(patient('ta'))
        .expect(403);
      await t.http
        .delete('/fhir/Patient')
        .query({ identifier: 'urn:cond|ta' })
        .set('Authorization', readOnly)
        .expect(403);
      const noCreate = `Bearer ${await tokenFor(t, 'system/Patient.us')}`;
      await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|new' })
        .set('Authorization', noCreate)
        .send(patient('new'))
        .expect(403);
      await t.http
        .put('/fhir/Patient')
        .query({ identifier: 'urn:cond|ta' })
        .set('Authorization', noCreate)
        .send(patient('ta', { name: [{ family: 'Twin' }], gender: 'male' }))
        .expect(200);
    });
  });

  it('says so in the CapabilityStatement', async () => {
    const statement = (await t.http.get('/fhir/metadata').expect(200)).body;
    const p = statement.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    expect(p.conditionalUpdate).toBe(true);
    expect(p.conditionalDelete).toBe('single');
  });
});

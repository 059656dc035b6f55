import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

/** RFC 3986 §5.2.4 removes `.` and `..` segments, so no URL can address a resource with such an id: refused. */
describe.each(databases())('FHIR ids "." and ".." on %s', (db) => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  const count = async () =>
    (await t.http.get('/fhir/Patient').query({ _summary: 'count' }).set('Authorization', auth).expect(200)).body.total;

  it.each(['.', '..'])('PUT /fhir/Patient/%s answers a 400 OperationOutcome and stores nothing', async (id) => {
    const before = await count();
    // Sent percent-encoded so the client does not resolve the dot segment itself; the server decodes it.
    const res = await t.http
      .put(`/fhir/Patient/${id === '.' ? '%2E' : '%2E%2E'}`)
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', id });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await count()).toBe(before);
  });

  it.each(['.', '..'])('a resource body with id "%s" is refused on create', async (id) => {
    const res = await t.http.post('/fhir/Patient').set('Authorization', auth).send({ resourceType: 'Patient', id });
    // Create ignores a body id only when it is valid; an invalid one is a 400.
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it.each(['.', '..'])('a transaction entry PUT Patient/%s is refused and nothing is stored', async (id) => {
    const before = await count();
    const res = await t.http
      .post('/fhir')
      .set('Authorization', auth)
      .send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', gender: 'male' }, request: { method: 'POST', url: 'Patient' } },
          { resource: { resourceType: 'Patient', id }, request: { method: 'PUT', url: `Patient/${id}` } },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await count()).toBe(before);
  });

  it.each(['.', '..'])(
    'a batch with an entry PUT Patient/%s is refused with 400 (as any unreadable entry URL)',
    async (id) => {
      const before = await count();
      const res = await t.http
        .post('/fhir')
        .set('Authorization', auth)
        .send({
          resourceType: 'Bundle',
          type: 'batch',
          entry: [{ resource: { resourceType: 'Patient', id }, request: { method: 'PUT', url: `Patient/${id}` } }],
        });
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/is not a resource id/);
      expect(await count()).toBe(before);
    },
  );

  it('ids that merely contain dots are still fine', async () => {
    await t.http
      .put('/fhir/Patient/a.b..c')
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', id: 'a.b..c' })
      .expect(201);
  });
});

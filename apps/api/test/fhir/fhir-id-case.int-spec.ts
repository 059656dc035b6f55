import { databases, openFhirSession, TestApp } from '../support/test-app';

/** R4 datatypes.html#id: ids are case-sensitive, so `abc` and `ABC` are two resources on every database. */
describe.each(databases())('FHIR ids are case-sensitive on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => ({ t, auth } = await openFhirSession(db)));
  afterAll(() => t?.close());

  const put = (id: string, family: string) =>
    t.http
      .put(`/fhir/Patient/${id}`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', id, name: [{ family }] });

  it('creates Patient/ABC beside Patient/abc instead of overwriting it, and reads each back', async () => {
    await put('case-abc', 'Lower').expect(201);
    await put('CASE-ABC', 'Upper').expect(201);

    const lower = await t.http.get('/fhir/Patient/case-abc').set('Authorization', auth).expect(200);
    const upper = await t.http.get('/fhir/Patient/CASE-ABC').set('Authorization', auth).expect(200);
    expect([lower.body.id, lower.body.name[0].family, lower.body.meta.versionId]).toEqual(['case-abc', 'Lower', '1']);
    expect([upper.body.id, upper.body.name[0].family, upper.body.meta.versionId]).toEqual(['CASE-ABC', 'Upper', '1']);
  });

  it('answers 404 for an id that differs only in case from a stored one', async () => {
    await put('only-lower', 'Lower').expect(201);
    await t.http.get('/fhir/Patient/ONLY-LOWER').set('Authorization', auth).expect(404);
    await t.http
      .get('/fhir/Patient/ONLY-LOWER/_history')
      .set('Authorization', auth)
      .expect((res) => {
        expect(res.status === 404 || (res.body.entry ?? []).length === 0).toBe(true);
      });
  });

  it('searches _id case-sensitively', async () => {
    const res = await t.http.get('/fhir/Patient?_id=CASE-ABC').set('Authorization', auth).expect(200);
    expect(res.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['CASE-ABC']);
  });
});

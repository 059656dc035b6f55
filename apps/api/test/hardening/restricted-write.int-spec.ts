import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

const VITALS = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
};
const LAB = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] };
const observation = (category: unknown, id?: string) => ({
  resourceType: 'Observation',
  ...(id ? { id } : {}),
  status: 'final',
  category: [category],
  code: { text: 'heart rate' },
});

/**
 * SMART App Launch 2.x §Finer-grained resource constraints: under `patient/Observation.cu?category=vital-signs` (here
 * system/…) a write is allowed when the written resource meets the restriction, evaluated with the search index
 * extraction; otherwise 403 insufficient_scope.
 */
describe.each(databases())('writes under a SMART v2 restricted scope on %s', (db) => {
  let t: TestApp;
  let full: string;
  let vitals: string;
  let labId: string;

  beforeAll(async () => {
    t = await createTestApp(db);
    full = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    vitals = `Bearer ${await tokenFor(t, 'system/Observation.cu?category=vital-signs')}`;
    labId = (await t.http.post('/fhir/Observation').set('Authorization', full).send(observation(LAB)).expect(201)).body
      .id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates a vital-signs Observation', async () => {
    await t.http.post('/fhir/Observation').set('Authorization', vitals).send(observation(VITALS)).expect(201);
  });

  it('refuses to create a laboratory Observation with 403 insufficient_scope', async () => {
    const res = await t.http.post('/fhir/Observation').set('Authorization', vitals).send(observation(LAB));
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('forbidden');
    expect(res.headers['www-authenticate']).toMatch(/insufficient_scope/);
  });

  it('updates a vital-signs Observation, but not into a laboratory one', async () => {
    const id = (
      await t.http.post('/fhir/Observation').set('Authorization', vitals).send(observation(VITALS)).expect(201)
    ).body.id;
    await t.http.put(`/fhir/Observation/${id}`).set('Authorization', vitals).send(observation(VITALS, id)).expect(200);
    await t.http.put(`/fhir/Observation/${id}`).set('Authorization', vitals).send(observation(LAB, id)).expect(403);
  });

  it('refuses to turn an existing laboratory Observation into a vital-signs one', async () => {
    const res = await t.http
      .put(`/fhir/Observation/${labId}`)
      .set('Authorization', vitals)
      .send(observation(VITALS, labId));
    expect(res.status).toBe(403);
    const stored = await t.http.get(`/fhir/Observation/${labId}`).set('Authorization', full).expect(200);
    expect(stored.body.category[0].coding[0].code).toBe('laboratory');
  });

  it('refuses a JSON Patch that moves a vital-signs Observation out of the restriction', async () => {
    const id = (
      await t.http.post('/fhir/Observation').set('Authorization', vitals).send(observation(VITALS)).expect(201)
    ).body.id;
    await t.http
      .patch(`/fhir/Observation/${id}`)
      .set('Authorization', vitals)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/category/0/coding/0/code', value: 'laboratory' }]))
      .expect(403);
  });

  it('in a transaction: a matching entry is written, a non-matching one fails the whole bundle', async () => {
    const entry = (resource: unknown) => ({ resource, request: { method: 'POST', url: 'Observation' } });
    const ok = await t.http
      .post('/fhir')
      .set('Authorization', vitals)
      .send({ resourceType: 'Bundle', type: 'transaction', entry: [entry(observation(VITALS))] });
    expect(ok.status).toBe(200);
    const refused = await t.http
      .post('/fhir')
      .set('Authorization', vitals)
      .send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [entry(observation(VITALS)), entry(observation(LAB))],
      });
    expect(refused.status).toBe(403);
  });
});

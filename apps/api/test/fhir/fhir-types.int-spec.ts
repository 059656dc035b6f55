import { R4_RESOURCE_TYPES, SERVED_RESOURCE_TYPES } from '../../src/fhir/fhir-resource-types';
import { databases, openFhirSession, TestApp } from '../support/test-app';

/** Every R4 resource type is stored and searched the same generic way (issue 3 §Generic store). */
describe.each(databases())('every R4 resource type on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => ({ t, auth } = await openFhirSession(db)));
  afterAll(() => t?.close());

  it('serves the 146 R4 resource types, AuditEvent from the audit trail', () => {
    expect(R4_RESOURCE_TYPES).toHaveLength(146);
    expect(R4_RESOURCE_TYPES).toEqual(
      expect.arrayContaining(['Observation', 'Encounter', 'Bundle', 'Binary', 'Patient']),
    );
    expect(R4_RESOURCE_TYPES).not.toContain('DomainResource');
    expect(SERVED_RESOURCE_TYPES).toEqual(R4_RESOURCE_TYPES.filter((x) => x !== 'AuditEvent'));
  });

  it('answers a search on every served type', async () => {
    for (const type of SERVED_RESOURCE_TYPES) {
      const res = await t.http.get(`/fhir/${type}`).set('Authorization', auth).expect(200);
      expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    }
  });

  it.each([
    [
      'Observation',
      {
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
        valueQuantity: { value: 72.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
      },
      { code: '29463-7', 'value-quantity': '72.5|http://unitsofmeasure.org|kg' },
    ],
    [
      'Encounter',
      { status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' } },
      { class: 'AMB', status: 'finished' },
    ],
    [
      'Bundle',
      { type: 'collection', identifier: { system: 'urn:x', value: 'b1' } },
      { identifier: 'urn:x|b1', type: 'collection' },
    ],
    ['Binary', { contentType: 'text/plain', data: 'aGVsbG8=' }, { _id: '' }],
    ['Basic', { code: { text: 'thing' }, created: '2021-03-04' }, { created: '2021-03-04' }],
    [
      'ValueSet',
      { status: 'active', url: 'http://example.org/fhir/ValueSet/colours', name: 'Colours' },
      { url: 'http://example.org/fhir/ValueSet/colours', name: 'colo' },
    ],
    [
      'RiskAssessment',
      { status: 'final', subject: { reference: 'Patient/p' }, prediction: [{ probabilityDecimal: 0.25 }] },
      { probability: 'lt0.3' },
    ],
  ])('creates, reads, searches and deletes a %s', async (type, body, query) => {
    const created = await t.http
      .post(`/fhir/${type}`)
      .set('Authorization', auth)
      .send({ resourceType: type, ...body })
      .expect(201);
    const id = created.body.id as string;
    await t.http.get(`/fhir/${type}/${id}`).set('Authorization', auth).expect(200);
    const q = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v === '' ? id : v]));
    const found = await t.http.get(`/fhir/${type}`).query(q).set('Authorization', auth).expect(200);
    expect(found.body.total).toBe(1);
    expect(found.body.entry[0].resource.id).toBe(id);
    await t.http.delete(`/fhir/${type}/${id}`).set('Authorization', auth).expect(204);
    await t.http.get(`/fhir/${type}/${id}`).set('Authorization', auth).expect(410);
  });

  describe('CORS on /fhir/metadata', () => {
    it('lets any origin read the CapabilityStatement', async () => {
      const res = await t.http.get('/fhir/metadata').set('Origin', 'https://app.example.org').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.body.resourceType).toBe('CapabilityStatement');
    });

    it('answers the preflight', async () => {
      const res = await t.http
        .options('/fhir/metadata')
        .set('Origin', 'https://app.example.org')
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'accept, authorization')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toMatch(/GET/);
      expect(res.headers['access-control-allow-headers']).toBe('accept, authorization');
      expect(res.headers['access-control-max-age']).toBe('86400');
    });
  });

  it('lists every served type in the CapabilityStatement, with what each really supports', async () => {
    const statement = (await t.http.get('/fhir/metadata').expect(200)).body;
    const rest = statement.rest[0];
    const types = (rest.resource as { type: string }[]).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining([...SERVED_RESOURCE_TYPES]));
    expect(rest.interaction.map((i: { code: string }) => i.code)).toEqual(['transaction', 'batch', 'history-system']);
    const observation = rest.resource.find((r: { type: string }) => r.type === 'Observation');
    const names = observation.searchParam.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['code', 'value-quantity', 'subject', '_profile', '_tag', '_security', '_id']),
    );
    // Composites are served from the R4 component lists; DocumentReference `relationship` is not (R4 lists its
    // components the wrong way round), so it is not advertised.
    expect(names).toEqual(expect.arrayContaining(['code-value-quantity', 'component-code-value-quantity']));
    const documentReference = rest.resource.find((r: { type: string }) => r.type === 'DocumentReference');
    expect(documentReference.searchParam.map((p: { name: string }) => p.name)).not.toContain('relationship');
    expect(observation.searchInclude).toContain('Observation:subject');
    expect(rest.resource.find((r: { type: string }) => r.type === 'Patient').searchRevInclude).toContain(
      'Observation:subject',
    );
    expect(observation.conditionalCreate).toBe(true);
    expect(statement.patchFormat).toEqual(['application/json-patch+json']);
  });
});

import { databases, openFhirSession, TestApp } from '../support/test-app';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

interface Outcome {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics: string; expression?: string[] }[];
}

/** Resources are validated against the R4 StructureDefinitions and the NHS number check: 422, one issue per problem. */
describe.each(databases())('FHIR validation on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => ({ t, auth } = await openFhirSession(db)));
  afterAll(() => t?.close());

  const invalid = {
    resourceType: 'Patient',
    identifier: [{ system: NHS, value: '9434765918' }],
    gender: 42,
    birthDate: 'last tuesday',
  };
  const expressions = (o: Outcome) => o.issue.flatMap((i) => i.expression ?? []);

  it('refuses an invalid create with 422 and one issue per problem, each with its expression', async () => {
    const before = (await t.http.get('/fhir/Patient').query({ _summary: 'count' }).set('Authorization', auth)).body
      .total;
    const res = await t.http.post('/fhir/Patient').set('Authorization', auth).send(invalid).expect(422);
    const outcome = res.body as Outcome;
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.length).toBeGreaterThanOrEqual(3);
    for (const issue of outcome.issue) {
      expect(issue.severity).toBe('error');
      expect(issue.expression).toHaveLength(1);
    }
    expect(expressions(outcome)).toEqual(
      expect.arrayContaining(['Patient.gender', 'Patient.birthDate', 'Patient.identifier[0].value']),
    );
    expect(outcome.issue.find((i) => i.expression?.[0] === 'Patient.identifier[0].value')?.diagnostics).toMatch(
      /NHS number/,
    );
    expect((await t.http.get('/fhir/Patient').query({ _summary: 'count' }).set('Authorization', auth)).body.total).toBe(
      before,
    );
  });

  it('accepts a valid NHS number and refuses an invalid one on update, changing nothing', async () => {
    const created = await t.http
      .post('/fhir/Patient')
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', identifier: [{ system: NHS, value: '9434765919' }] })
      .expect(201);
    const id = created.body.id;
    const res = await t.http
      .put(`/fhir/Patient/${id}`)
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', id, identifier: [{ system: NHS, value: '943476591' }] })
      .expect(422);
    expect(expressions(res.body)).toEqual(['Patient.identifier[0].value']);
    const current = await t.http.get(`/fhir/Patient/${id}`).set('Authorization', auth).expect(200);
    expect(current.body.meta.versionId).toBe('1');
  });

  it('names the entry of a transaction that fails validation, and writes nothing', async () => {
    const res = await t.http
      .post('/fhir')
      .set('Authorization', auth)
      .send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', name: [{ family: 'ValidationTx' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            resource: { resourceType: 'Observation', status: 'done', code: { text: 'x' } },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      })
      .expect(422);
    expect(expressions(res.body)).toContain('Bundle.entry[1].resource.status');
    expect(
      (await t.http.get('/fhir/Patient').query({ family: 'ValidationTx' }).set('Authorization', auth)).body.total,
    ).toBe(0);
  });

  it('checks required elements of other types too', async () => {
    const res = await t.http
      .post('/fhir/Observation')
      .set('Authorization', auth)
      .send({ resourceType: 'Observation' })
      .expect(422);
    expect(expressions(res.body)).toEqual(expect.arrayContaining(['Observation.status', 'Observation.code']));
    expect(res.body.issue.map((i: { code: string }) => i.code)).toContain('required');
  });
});

import { databases, openFhirSession, resourceCreator, searchBundle, TestApp } from '../support/test-app';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';

interface Bundle {
  total?: number;
  entry?: { resource: Record<string, unknown> & { id: string; resourceType: string }; search?: { mode: string } }[];
}

/**
 * Composite search parameters (R4 search.html#composite), served from the R4 definitions' component lists: `a$b`,
 * each component read by its own type's rules, and the values of one composite taken from one element.
 */
describe.each(databases())('FHIR composite search parameters on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};

  const create = resourceCreator(() => ({ t, auth }), ids);

  const search = (type: string, query: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    searchBundle<Bundle>({ t, auth }, type, query, headers);

  /** The keys of the matches, sorted. */
  const found = async (type: string, query: Record<string, string | string[]>) => {
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return ((await search(type, query)).entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => byId.get(e.resource.id) ?? `?${e.resource.id}`)
      .sort();
  };

  const coded = (code: string, system = LOINC) => ({ coding: [{ system, code }] });
  const component = (code: string, value: number) => ({
    code: coded(code),
    valueQuantity: { value, unit: 'mmHg', system: UCUM, code: 'mm[Hg]' },
  });

  beforeAll(async () => {
    ({ t, auth } = await openFhirSession(db));
    await create('patient', { resourceType: 'Patient', name: [{ family: 'Composite' }] });
    const obs = (extra: Record<string, unknown>) => ({ resourceType: 'Observation', status: 'final', ...extra });
    // Blood pressure: systolic 120 / diastolic 80.
    await create(
      'bp1',
      obs({ code: coded('85354-9'), component: [component('8480-6', 120), component('8462-4', 80)] }),
    );
    // Systolic 150 / diastolic 120: it holds 8480-6 and 120, but not in one component.
    await create(
      'bp2',
      obs({ code: coded('85354-9'), component: [component('8480-6', 150), component('8462-4', 120)] }),
    );
    await create(
      'hr',
      obs({
        code: coded('8867-4'),
        subject: { reference: `Patient/${ids.patient}` },
        valueQuantity: { value: 72, unit: 'beats/minute', system: UCUM, code: '/min' },
      }),
    );
    await create('smoker', obs({ code: coded('72166-2'), valueCodeableConcept: coded('8517006', SNOMED) }));
    await create('dated', obs({ code: coded('21112-8'), valueDateTime: '2021-03-04' }));
    await create('text', obs({ code: coded('22636-5'), valueString: 'Negative for malignancy' }));
    await create('dollar', obs({ code: coded('x$y', 'urn:codes'), valueString: 'costs $5' }));
    await create('group', {
      resourceType: 'Group',
      type: 'person',
      actual: false,
      characteristic: [
        { code: coded('gender', 'urn:c'), valueCodeableConcept: coded('female', 'urn:g'), exclude: false },
        { code: coded('smoker', 'urn:c'), valueBoolean: true, exclude: false },
      ],
    });
  });

  afterAll(() => t?.close());

  it.each([
    ['component-code-value-quantity', `${LOINC}|8480-6$120`, ['bp1']],
    ['component-code-value-quantity', '8480-6$120', ['bp1']],
    ['component-code-value-quantity', '8480-6$gt130', ['bp2']],
    ['component-code-value-quantity', '8462-4$ge80|http://unitsofmeasure.org|mm[Hg]', ['bp1', 'bp2']],
    ['component-code-value-quantity', '8462-4$80||mg', []],
    ['component-code-value-quantity', '8462-4$150', []],
    ['component-code-value-quantity', '8480-6$120,8462-4$120', ['bp1', 'bp2']],
    ['code-value-quantity', `${LOINC}|8867-4$72`, ['hr']],
    ['code-value-quantity', '8867-4$lt80|http://unitsofmeasure.org|/min', ['hr']],
    ['code-value-quantity', '8867-4$gt100', []],
    ['code-value-quantity', '85354-9$120', []],
    ['combo-code-value-quantity', '8480-6$120', ['bp1']],
    ['combo-code-value-quantity', '8867-4$72', ['hr']],
    ['code-value-concept', `72166-2$${SNOMED}|8517006`, ['smoker']],
    ['code-value-concept', '72166-2$other', []],
    ['code-value-date', '21112-8$2021-03', ['dated']],
    ['code-value-date', '21112-8$lt2021', []],
    ['code-value-date', '21112-8$ge2021-01-01', ['dated']],
    ['code-value-string', '22636-5$negative', ['text']],
    ['code-value-string', '22636-5$malignancy', []],
    ['code-value-string', 'urn:codes|x\\$y$costs \\$5', ['dollar']],
  ])('Observation %s=%s', async (name, value, expected) => {
    expect(await found('Observation', { [name]: value })).toEqual(expected);
  });

  it('takes repeated composites as AND, each matched on its own element', async () => {
    expect(await found('Observation', { 'component-code-value-quantity': ['8480-6$120', '8462-4$80'] })).toEqual([
      'bp1',
    ]);
    expect(await found('Observation', { 'component-code-value-quantity': ['8480-6$120', '8462-4$120'] })).toEqual([]);
  });

  it('pairs a Group characteristic with its own value', async () => {
    expect(await found('Group', { 'characteristic-value': 'urn:c|gender$urn:g|female' })).toEqual(['group']);
    expect(await found('Group', { 'characteristic-value': 'smoker$true' })).toEqual(['group']);
    expect(await found('Group', { 'characteristic-value': 'gender$true' })).toEqual([]);
  });

  it('combines with _has and :missing', async () => {
    expect(await found('Patient', { '_has:Observation:subject:code-value-quantity': '8867-4$72' })).toEqual([
      'patient',
    ]);
    expect(await found('Patient', { '_has:Observation:subject:code-value-quantity': '8867-4$73' })).toEqual([]);
    expect(await found('Observation', { 'component-code-value-quantity:missing': 'false' })).toEqual(['bp1', 'bp2']);
    expect(await found('Observation', { 'code-value-quantity:missing': 'true' })).toEqual([
      'bp1',
      'bp2',
      'dated',
      'dollar',
      'smoker',
      'text',
    ]);
  });

  it('follows updates and deletes: old pairs stop matching', async () => {
    await create('bp3', obs3(130, 85));
    expect(await found('Observation', { 'component-code-value-quantity': '8480-6$130' })).toEqual(['bp3']);
    await t.http
      .put(`/fhir/Observation/${ids.bp3}`)
      .set('Authorization', auth)
      .send({ ...obs3(85, 130), id: ids.bp3 })
      .expect(200);
    expect(await found('Observation', { 'component-code-value-quantity': '8480-6$130' })).toEqual([]);
    expect(await found('Observation', { 'component-code-value-quantity': '8480-6$85' })).toEqual(['bp3']);
    await t.http.delete(`/fhir/Observation/${ids.bp3}`).set('Authorization', auth).expect(204);
    expect(await found('Observation', { 'component-code-value-quantity': '8480-6$85' })).toEqual([]);
  });

  function obs3(systolic: number, diastolic: number) {
    return {
      resourceType: 'Observation',
      status: 'final',
      code: coded('85354-9'),
      component: [component('8480-6', systolic), component('8462-4', diastolic)],
    };
  }

  it.each([
    ['code-value-quantity', '8867-4'],
    ['code-value-quantity', '8867-4$72$1'],
    ['code-value-quantity', '$72'],
    ['code-value-quantity', '8867-4$'],
    ['code-value-quantity', '8867-4$abc'],
    ['code-value-quantity', '8867-4$xx72'],
    ['code-value-quantity', 'a|b|c$72'],
    ['code-value-date', '21112-8$not-a-date'],
    ['code-value-quantity:exact', '8867-4$72'],
    ['code-value-quantity:not', '8867-4$72'],
    ['_sort', 'code-value-quantity'],
  ])('refuses %s=%s with a 400 OperationOutcome', async (name, value) => {
    const res = await t.http
      .get('/fhir/Observation')
      .query({ [name]: value })
      .set('Authorization', auth)
      .expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].severity).toBe('error');
  });

  it('keeps injection strings in composite values harmless', async () => {
    const attacks = [
      "' OR '1'='1",
      "8867-4$72' OR '1'='1",
      "'; DROP TABLE fhir_token_index; --$1",
      '8867-4$1 UNION SELECT content FROM fhir_resources',
      '%$%',
      '\\$\\$',
      '$$$',
      'x'.repeat(3000) + '$1',
    ];
    for (const attack of attacks) {
      const res = await t.http
        .get('/fhir/Observation')
        .query({ 'code-value-quantity': attack, 'code-value-string': attack })
        .set('Authorization', auth);
      expect([200, 400]).toContain(res.status);
      if (res.status === 200) expect(res.body.total).toBe(0);
      else expect(res.body.resourceType).toBe('OperationOutcome');
    }
    expect((await search('Observation', { _summary: 'count' })).total).toBe(7);
  });

  it('advertises the composites it serves, and not R4 DocumentReference.relationship, whose components are swapped', async () => {
    const statement = (await t.http.get('/fhir/metadata').expect(200)).body as {
      rest: { resource: { type: string; searchParam: { name: string; type: string; definition: string }[] }[] }[];
    };
    const params = (type: string) =>
      new Map(statement.rest[0].resource.find((r) => r.type === type)!.searchParam.map((p) => [p.name, p]));
    const observation = params('Observation');
    for (const name of [
      'code-value-quantity',
      'code-value-concept',
      'code-value-date',
      'code-value-string',
      'component-code-value-quantity',
      'component-code-value-concept',
      'combo-code-value-quantity',
      'combo-code-value-concept',
    ])
      expect(observation.get(name)).toEqual({
        name,
        type: 'composite',
        definition: `http://hl7.org/fhir/SearchParameter/Observation-${name}`,
      });
    expect(params('Group').get('characteristic-value')?.type).toBe('composite');
    expect(params('DocumentReference').has('relationship')).toBe(false);
  });

  it('refuses a parameter it cannot serve under handling=strict and ignores it otherwise', async () => {
    const res = await t.http
      .get('/fhir/DocumentReference')
      .query({ relationship: 'DocumentReference/x$replaces' })
      .set('Authorization', auth)
      .set('Prefer', 'handling=strict')
      .expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toContain('relationship');
    const lenient = await search('Observation', { relationship: 'x$y', 'code-value-quantity': '8867-4$72' });
    expect(lenient.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource.id)).toEqual([ids.hr]);
    const outcome = lenient.entry?.find((e) => e.search?.mode === 'outcome')?.resource as unknown as {
      issue: { severity: string; code: string; diagnostics: string }[];
    };
    expect(outcome.issue).toEqual([
      {
        severity: 'warning',
        code: 'not-supported',
        diagnostics: 'Search parameter "relationship" is not supported for Observation, and was ignored',
      },
    ]);
  });
});

import { databases, openFhirSession, resourceCreator, searchBundle, TestApp } from '../support/test-app';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

interface Bundle {
  total?: number;
  entry?: { resource: { id: string }; search?: { mode: string } }[];
}

/** The reference modifier `:identifier` and the token modifier `:of-type` (R4 search.html#reference, #token). */
describe.each(databases())('FHIR search modifiers :identifier and :of-type on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};

  const create = resourceCreator(() => ({ t, auth }), ids);

  const found = async (type: string, query: Record<string, string>, headers: Record<string, string> = {}) => {
    const bundle = await searchBundle<Bundle>({ t, auth }, type, query, headers);
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return (bundle.entry ?? [])
      .filter((e) => e.search?.mode === 'match')
      .map((e) => byId.get(e.resource.id) ?? `?${e.resource.id}`)
      .sort();
  };

  const typed = (code: string, system: string, value: string) => ({
    type: { coding: [{ system: V2_0203, code }] },
    system,
    value,
  });

  beforeAll(async () => {
    ({ t, auth } = await openFhirSession(db));
    await create('p1', {
      resourceType: 'Patient',
      identifier: [typed('MR', 'urn:hospital', '12345'), { system: NHS, value: '9000000009' }],
    });
    await create('p2', { resourceType: 'Patient', identifier: [typed('MR', 'urn:hospital', '99999')] });
    await create('p3', { resourceType: 'Patient', identifier: [typed('DL', 'urn:dvla', '12345')] });
    const obs = (subject: Record<string, unknown>) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject,
    });
    // A logical reference naming its type; one naming none; a literal one with an identifier; a literal one only.
    await create('o1', obs({ type: 'Patient', identifier: { system: NHS, value: '9000000009' } }));
    await create('o2', obs({ identifier: { system: NHS, value: '9000000009' } }));
    await create('o3', obs({ reference: `Patient/${ids.p2}`, identifier: { system: NHS, value: '9000000017' } }));
    await create('o4', obs({ reference: `Patient/${ids.p3}` }));
  });

  afterAll(() => t?.close());

  it.each([
    [{ 'subject:identifier': `${NHS}|9000000009` }, ['o1', 'o2']],
    [{ 'subject:identifier': '9000000017' }, ['o3']],
    [{ 'subject:identifier': `${NHS}|` }, ['o1', 'o2', 'o3']],
    [{ 'subject:identifier': `urn:other|9000000009` }, []],
    [{ 'subject:identifier': `${NHS}|9000000009,${NHS}|9000000017` }, ['o1', 'o2', 'o3']],
    // `patient` is `subject.where(resolve() is Patient)`: a reference naming no type cannot be said to be one.
    [{ 'patient:identifier': `${NHS}|9000000009` }, ['o1']],
    [{ 'patient:identifier': `${NHS}|9000000017` }, ['o3']],
  ])('Observation %j', async (query, expected) => {
    expect(await found('Observation', query)).toEqual(expected);
  });

  it('keeps the literal reference searchable beside its identifier', async () => {
    expect(await found('Observation', { subject: `Patient/${ids.p2}` })).toEqual(['o3']);
  });

  it.each([
    [`${V2_0203}|MR|12345`, ['p1']],
    [`${V2_0203}|MR|99999`, ['p2']],
    [`${V2_0203}|DL|12345`, ['p3']],
    [`${V2_0203}|MR|12345,${V2_0203}|DL|12345`, ['p1', 'p3']],
    [`${V2_0203}|MR|9000000009`, []],
    [`urn:other|MR|12345`, []],
  ])('Patient identifier:of-type=%s', async (value, expected) => {
    expect(await found('Patient', { 'identifier:of-type': value })).toEqual(expected);
    expect(await found('Patient', { 'identifier:of-type': value }, { Prefer: 'handling=strict' })).toEqual(expected);
  });

  it('matches nothing with :of-type on a token that holds no identifiers', async () => {
    expect(await found('Patient', { 'gender:of-type': `${V2_0203}|MR|12345` })).toEqual([]);
  });

  it.each([
    ['Patient', 'identifier:of-type', 'MR|12345'],
    ['Patient', 'identifier:of-type', `${V2_0203}||12345`],
    ['Patient', 'identifier:of-type', `|MR|12345`],
    ['Patient', 'identifier:of-type', `${V2_0203}|MR|`],
    ['Patient', 'identifier:of-type', 'a|b|c|d'],
    ['Observation', 'subject:identifier', 'a|b|c'],
    ['Observation', 'subject:identifier', '|'],
    ['Observation', 'code:identifier', `${NHS}|9000000009`],
    ['Patient', 'name:of-type', 'a|b|c'],
  ])('refuses %s %s=%s with a 400 OperationOutcome', async (type, name, value) => {
    const res = await t.http
      .get(`/fhir/${type}`)
      .query({ [name]: value })
      .set('Authorization', auth)
      .expect(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('keeps injection strings harmless', async () => {
    for (const attack of ["' OR '1'='1", "x|y' OR 1=1 --|z", '%|_|%', '\\|\\|\\|', 'x'.repeat(3000)]) {
      for (const [type, name] of [
        ['Patient', 'identifier:of-type'],
        ['Observation', 'subject:identifier'],
      ]) {
        const res = await t.http
          .get(`/fhir/${type}`)
          .query({ [name]: attack })
          .set('Authorization', auth);
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) expect(res.body.total).toBe(0);
        else expect(res.body.resourceType).toBe('OperationOutcome');
      }
    }
  });
});

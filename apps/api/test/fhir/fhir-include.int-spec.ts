import { databases, openFhirSession, resourceCreator, TestApp } from '../support/test-app';

interface Bundle {
  total?: number;
  entry?: {
    resource: { id: string; resourceType: string; issue?: { diagnostics: string }[] };
    search: { mode: string };
  }[];
}

/** `_include` and `_revinclude`, with `:iterate` one level (R4 search.html#include). */
describe.each(databases())('FHIR _include and _revinclude on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};

  const create = resourceCreator(() => ({ t, auth }), ids, { distinctInstants: true });

  const search = async (type: string, query: Record<string, string | string[]>, token = auth) =>
    (await t.http.get(`/fhir/${type}`).query(query).set('Authorization', token).expect(200)).body as Bundle;

  /** `mode:Type:key` of every entry, sorted. */
  const entries = (bundle: Bundle) => {
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return (bundle.entry ?? [])
      .map((e) => `${e.search.mode}:${e.resource.resourceType}:${byId.get(e.resource.id) ?? e.resource.id ?? ''}`)
      .sort();
  };

  beforeAll(async () => {
    ({ t, auth } = await openFhirSession(db));
    await create('org', { resourceType: 'Organization', name: 'Practice' });
    await create('gp', { resourceType: 'Practitioner', name: [{ family: 'Who' }] });
    await create('alice', {
      resourceType: 'Patient',
      name: [{ family: 'Alice' }],
      generalPractitioner: [{ reference: `Practitioner/${ids.gp}` }],
      managingOrganization: { reference: `Organization/${ids.org}` },
    });
    await create('bob', { resourceType: 'Patient', name: [{ family: 'Bob' }] });
    await create('enc', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${ids.alice}` },
    });
    await create('c1', {
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.alice}` },
      encounter: { reference: `Encounter/${ids.enc}` },
      code: { text: 'asthma' },
    });
    await create('c2', { resourceType: 'Condition', subject: { reference: `Patient/${ids.bob}` } });
    await create('o1', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${ids.alice}` },
      encounter: { reference: `Encounter/${ids.enc}` },
    });
  });

  afterAll(() => t?.close());

  it('_include follows a reference of the matches', async () => {
    expect(entries(await search('Condition', { _id: ids.c1, _include: 'Condition:subject' }))).toEqual([
      'include:Patient:alice',
      'match:Condition:c1',
    ]);
    expect(entries(await search('Condition', { _id: ids.c1, _include: 'Condition:subject:Group' }))).toEqual([
      'match:Condition:c1',
    ]);
    expect(
      entries(
        await search('Patient', { _id: ids.alice, _include: ['Patient:general-practitioner', 'Patient:organization'] }),
      ),
    ).toEqual(['include:Organization:org', 'include:Practitioner:gp', 'match:Patient:alice']);
  });

  it('_revinclude adds the resources that refer to the matches', async () => {
    expect(entries(await search('Patient', { _revinclude: 'Condition:subject' }))).toEqual([
      'include:Condition:c1',
      'include:Condition:c2',
      'match:Patient:alice',
      'match:Patient:bob',
    ]);
    expect(
      entries(await search('Patient', { _id: ids.bob, _revinclude: ['Condition:subject', 'Observation:subject'] })),
    ).toEqual(['include:Condition:c2', 'match:Patient:bob']);
  });

  it(':iterate applies once more to what was included', async () => {
    const bundle = await search('Condition', {
      _id: ids.c1,
      _include: 'Condition:encounter',
      '_revinclude:iterate': 'Observation:encounter',
      '_include:iterate': 'Encounter:subject',
    });
    expect(entries(bundle)).toEqual([
      'include:Encounter:enc',
      'include:Observation:o1',
      'include:Patient:alice',
      'match:Condition:c1',
    ]);
  });

  it('includes each resource once, and only for the matches of the page', async () => {
    const page = await search('Condition', { _include: 'Condition:subject', _count: '1', _sort: '_lastUpdated' });
    expect(entries(page)).toEqual(['include:Patient:alice', 'match:Condition:c1']);
  });

  it.each([
    { _include: 'Nonsense' },
    { _include: 'Condition:nonsense' },
    { _include: 'Condition:code' },
    { _include: 'Patient:organization' },
    { _include: '*' },
    { _include: 'Condition:subject:Organization' },
    { '_include:recurse:x': 'Condition:subject' },
  ])('refuses %j with 400', async (query) => {
    await t.http.get('/fhir/Condition').query(query).set('Authorization', auth).expect(400);
  });
});

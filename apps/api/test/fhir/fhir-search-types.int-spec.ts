import { databases, openFhirSession, resourceCreator, searchBundle, TestApp } from '../support/test-app';

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const PROFILE = 'http://example.org/StructureDefinition/uk-patient';
const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

interface Bundle {
  total?: number;
  link: { relation: string; url: string }[];
  entry?: { resource: Record<string, unknown> & { id: string; resourceType: string }; search?: { mode: string } }[];
}

/** Every search parameter type, modifier and prefix of issue 3 (R4 search.html), on data made for each. */
describe.each(databases())('FHIR search parameter types on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};

  const create = resourceCreator(() => ({ t, auth }), ids, { distinctInstants: true });

  const search = (type: string, query: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    searchBundle<Bundle>({ t, auth }, type, query, headers);

  /** The keys of the matches, in order. */
  const keys = (bundle: Bundle) => {
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return (bundle.entry ?? [])
      .filter((e) => e.search?.mode !== 'include')
      .map((e) => byId.get(e.resource.id) ?? `?${e.resource.id}`);
  };
  const found = async (type: string, query: Record<string, string | string[]>) =>
    keys(await search(type, query)).sort();

  beforeAll(async () => {
    ({ t, auth } = await openFhirSession(db));
    await create('p1', {
      resourceType: 'Patient',
      meta: {
        tag: [{ system: 'urn:t', code: 'a' }],
        security: [{ system: CONFIDENTIALITY, code: 'R' }],
        profile: [PROFILE],
      },
      name: [{ family: 'Smith', given: ['John'] }],
      gender: 'male',
      birthDate: '1970-05-02',
      maritalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M', display: 'Married' }],
      },
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en', display: 'English' }] } }],
    });
    await create('p2', {
      resourceType: 'Patient',
      meta: { tag: [{ system: 'urn:t', code: 'b' }], profile: [`${PROFILE}|2.0`] },
      name: [{ family: 'Smythe', given: ['Jane'] }],
      gender: 'female',
      birthDate: '1980-01-01',
    });
    await create('p3', { resourceType: 'Patient', name: [{ family: 'Jones' }] });
    const obs = (code: string, text: string, extra: Record<string, unknown>) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: LOINC, code, display: text }] },
      ...extra,
    });
    await create(
      'o1',
      obs('8867-4', 'Heart rate', {
        subject: { reference: `Patient/${ids.p1}` },
        valueQuantity: { value: 72, unit: 'beats/minute', system: UCUM, code: '/min' },
        effectiveDateTime: '2021-01-01',
      }),
    );
    await create(
      'o2',
      obs('29463-7', 'Body weight', {
        subject: { reference: `Patient/${ids.p2}` },
        valueQuantity: { value: 80.5, system: UCUM, code: 'kg' },
        effectiveDateTime: '2022-06-15',
      }),
    );
    await create(
      'o3',
      obs('29463-7', 'Body weight', {
        subject: { reference: `Patient/${ids.p1}` },
        valueQuantity: { value: 100, unit: 'kg' },
      }),
    );
    await create('o4', { resourceType: 'Observation', status: 'final', code: { text: 'Free note' }, valueString: 'x' });
    await create('r1', {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: `Patient/${ids.p1}` },
      prediction: [{ probabilityDecimal: 0.25 }],
    });
    await create('r2', {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: `Patient/${ids.p2}` },
      prediction: [{ probabilityDecimal: 0.75 }],
    });
    await create('r3', {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: `Patient/${ids.p3}` },
      prediction: [
        {
          probabilityRange: {
            low: { value: 0.1, system: UCUM, code: '%' },
            high: { value: 0.3, system: UCUM, code: '%' },
          },
        },
      ],
    });
    await create('vs', {
      resourceType: 'ValueSet',
      status: 'active',
      url: 'http://example.org/fhir/ValueSet/colours/v1',
    });
  });

  afterAll(() => t?.close());

  describe('quantity (search.html#quantity)', () => {
    it.each([
      ['72', ['o1']],
      ['72.0', ['o1']],
      ['72.1', []],
      ['gt80', ['o2', 'o3']],
      ['lt80.5', ['o1']],
      ['le80.5|http://unitsofmeasure.org|kg', ['o2']],
      ['ge100||kg', ['o3']],
      ['ne72', ['o2', 'o3']],
      ['ap100', ['o3']],
      ['sa80', ['o2', 'o3']],
      ['eb80', ['o1']],
      ['80.5|http://unitsofmeasure.org|g', []],
      ['72|http://unitsofmeasure.org|/min,100', ['o1', 'o3']],
    ])('value-quantity=%s', async (value, expected) => {
      expect(await found('Observation', { 'value-quantity': value })).toEqual(expected);
    });

    it.each(['abc', '1|2', 'gt', 'xx5', '1e999'])('refuses value-quantity=%s with 400', async (value) => {
      await t.http.get('/fhir/Observation').query({ 'value-quantity': value }).set('Authorization', auth).expect(400);
    });
  });

  describe('number (search.html#number)', () => {
    it.each([
      ['0.25', ['r1']],
      ['gt0.5', ['r2']],
      ['lt0.2', ['r3']],
      ['ge0.3', ['r2', 'r3']],
      ['le0.25', ['r1', 'r3']],
      ['ne0.25', ['r2', 'r3']],
      ['ap0.7', ['r2']],
      ['sa0.5', ['r2']],
      ['eb0.2', []],
      ['2.5e-1', ['r1']],
    ])('probability=%s', async (value, expected) => {
      expect(await found('RiskAssessment', { probability: value })).toEqual(expected);
    });
  });

  describe('uri (search.html#uri)', () => {
    it.each([
      [{ _profile: PROFILE }, ['p1', 'p2']],
      [{ _profile: `${PROFILE}|2.0` }, ['p2']],
      [{ '_profile:below': 'http://example.org/StructureDefinition' }, ['p1', 'p2']],
      [{ '_profile:below': 'http://example.org/Structure' }, []],
      [{ '_profile:below': 'http://example.org/' }, ['p1', 'p2']],
      [{ '_profile:above': `${PROFILE}/sub/part` }, ['p1', 'p2']],
      [{ _profile: PROFILE.toUpperCase() }, []],
    ])('Patient %j', async (query, expected) => {
      expect(await found('Patient', query)).toEqual(expected);
    });

    it('ValueSet url, exact and :below', async () => {
      expect(await found('ValueSet', { url: 'http://example.org/fhir/ValueSet/colours/v1' })).toEqual(['vs']);
      expect(await found('ValueSet', { url: 'http://example.org/fhir/ValueSet/colours' })).toEqual([]);
      expect(await found('ValueSet', { 'url:below': 'http://example.org/fhir/ValueSet' })).toEqual(['vs']);
    });
  });

  describe('token (search.html#token)', () => {
    it.each([
      [{ _tag: 'urn:t|a' }, ['p1']],
      [{ _tag: 'urn:t|' }, ['p1', 'p2']],
      [{ _tag: 'b' }, ['p2']],
      [{ _security: `${CONFIDENTIALITY}|R` }, ['p1']],
      [{ gender: 'male,female' }, ['p1', 'p2']],
      [{ 'gender:not': 'male' }, ['p2', 'p3']],
      [{ 'gender:not': 'male,female' }, ['p3']],
      [{ 'language:text': 'engl' }, ['p1']],
      [{ language: 'urn:ietf:bcp:47|en' }, ['p1']],
    ])('Patient %j', async (query, expected) => {
      expect(await found('Patient', query)).toEqual(expected);
    });

    it('code with system|code and :text on Observation', async () => {
      expect(await found('Observation', { code: `${LOINC}|29463-7` })).toEqual(['o2', 'o3']);
      expect(await found('Observation', { 'code:text': 'body' })).toEqual(['o2', 'o3']);
      expect(await found('Observation', { 'code:text': 'free' })).toEqual(['o4']);
    });
  });

  describe(':missing (search.html#missing)', () => {
    it.each([
      ['Patient', { 'gender:missing': 'true' }, ['p3']],
      ['Patient', { 'birthdate:missing': 'false' }, ['p1', 'p2']],
      ['Patient', { 'family:missing': 'true' }, []],
      ['Patient', { '_profile:missing': 'true' }, ['p3']],
      ['Observation', { 'subject:missing': 'true' }, ['o4']],
      ['Observation', { 'value-quantity:missing': 'true' }, ['o4']],
      ['Observation', { 'date:missing': 'false' }, ['o1', 'o2']],
    ])('%s %j', async (type, query, expected) => {
      expect(await found(type, query)).toEqual(expected);
    });

    it('takes only true or false', async () => {
      await t.http.get('/fhir/Patient').query({ 'gender:missing': 'maybe' }).set('Authorization', auth).expect(400);
    });
  });

  describe('chains and _has (search.html#chaining, #has)', () => {
    it.each([
      ['Observation', { 'subject:Patient.family': 'smith' }, ['o1', 'o3']],
      ['Observation', { 'subject.family': 'smythe' }, ['o2']],
      ['Observation', { 'patient.gender': 'female' }, ['o2']],
      ['Observation', { 'subject:Patient.birthdate': 'lt1975' }, ['o1', 'o3']],
      ['Observation', { 'subject:Patient._id': 'nothing' }, []],
      ['Patient', { '_has:Observation:subject:code': '29463-7' }, ['p1', 'p2']],
      ['Patient', { '_has:Observation:patient:value-quantity': 'gt90' }, ['p1']],
      ['Patient', { '_has:RiskAssessment:subject:probability': 'gt0.5' }, ['p2']],
    ])('%s %j', async (type, query, expected) => {
      expect(await found(type, query)).toEqual(expected);
    });

    it.each([
      { 'subject.organization.name': 'x' },
      { 'code.family': 'x' },
      { '_has:Observation': 'x' },
      { '_has:Observation:code:status': 'final' },
    ])('refuses %j with 400', async (query) => {
      await t.http.get('/fhir/Observation').query(query).set('Authorization', auth).expect(400);
    });
  });

  describe('_sort (search.html#sort)', () => {
    it.each([
      [{ _sort: 'family' }, ['p3', 'p1', 'p2']],
      [{ _sort: '-family' }, ['p2', 'p1', 'p3']],
      [{ _sort: 'birthdate' }, ['p1', 'p2', 'p3']],
      [{ _sort: '-birthdate' }, ['p2', 'p1', 'p3']],
      [{ _sort: 'gender,-birthdate' }, ['p2', 'p1', 'p3']],
      [{ _sort: '-_lastUpdated' }, ['p3', 'p2', 'p1']],
      [{ _sort: '_lastUpdated' }, ['p1', 'p2', 'p3']],
    ])('Patient %j', async (query, expected) => {
      expect(keys(await search('Patient', query))).toEqual(expected);
    });

    it('sorts quantities and pages through a sorted search by its links', async () => {
      expect(keys(await search('Observation', { _sort: '-value-quantity' }))).toEqual(['o3', 'o2', 'o1', 'o4']);
      const seen: string[] = [];
      let bundle = await search('Observation', { _sort: 'code,-value-quantity', _count: '1' });
      for (;;) {
        seen.push(...keys(bundle));
        const next = bundle.link.find((l) => l.relation === 'next');
        if (!next) break;
        bundle = (await t.http.get(next.url.slice(t.config.publicUrl.length)).set('Authorization', auth).expect(200))
          .body;
      }
      expect(seen).toEqual(['o3', 'o2', 'o1', 'o4']);
    });

    it('refuses an unknown sort parameter in strict mode', async () => {
      await t.http
        .get('/fhir/Patient')
        .query({ _sort: 'nonsense' })
        .set('Authorization', auth)
        .set('Prefer', 'handling=strict')
        .expect(400);
      await t.http.get('/fhir/Patient').query({ _sort: 'nonsense' }).set('Authorization', auth).expect(200);
    });
  });

  describe('_summary, _elements, _total', () => {
    it('_summary=count answers the total only', async () => {
      const bundle = await search('Patient', { _summary: 'count' });
      expect(bundle.total).toBe(3);
      expect(bundle.entry).toBeUndefined();
    });

    it('_summary=true keeps the summary elements and marks the resource SUBSETTED', async () => {
      const bundle = await search('Patient', { _summary: 'true', _id: ids.p1 });
      const r = bundle.entry![0].resource as unknown as Record<string, unknown> & { meta: { tag: { code: string }[] } };
      expect(r.name).toBeDefined();
      expect(r.maritalStatus).toBeUndefined();
      expect(r.meta.tag.map((x) => x.code)).toContain('SUBSETTED');
    });

    it('_elements keeps the listed elements (and id, meta)', async () => {
      const bundle = await search('Patient', { _elements: 'gender', _id: ids.p1 });
      const r = bundle.entry![0].resource;
      expect(Object.keys(r).sort()).toEqual(['gender', 'id', 'meta', 'resourceType']);
      const obs = await search('Observation', { _elements: 'value', _id: ids.o1 });
      expect(Object.keys(obs.entry![0].resource)).toEqual(expect.arrayContaining(['valueQuantity', 'status', 'code']));
      expect(obs.entry![0].resource.subject).toBeUndefined();
    });

    it('_total=none leaves the total out', async () => {
      const bundle = await search('Patient', { _total: 'none' });
      expect(bundle.total).toBeUndefined();
      expect(bundle.entry).toHaveLength(3);
      await t.http.get('/fhir/Patient').query({ _total: 'lots' }).set('Authorization', auth).expect(400);
    });
  });

  describe('POST _search (http.html#search)', () => {
    it('takes the parameters from a form body, with those of the URL', async () => {
      const res = await t.http
        .post('/fhir/Patient/_search')
        .query({ gender: 'male' })
        .set('Authorization', auth)
        .type('form')
        .send({ family: 'smi', _count: '10' })
        .expect(200);
      expect(res.body.total).toBe(1);
      expect(res.body.entry[0].resource.id).toBe(ids.p1);
      expect(res.body.link[0].url).toContain('gender=male&family=smi');
    });

    it('refuses a body that is not a form with 415', async () => {
      await t.http.post('/fhir/Patient/_search').set('Authorization', auth).send({ family: 'smi' }).expect(415);
    });
  });

  describe('unknown parameters and modifiers', () => {
    it('ignores unknown parameters unless Prefer: handling=strict', async () => {
      expect((await search('Patient', { nonsense: 'x' })).total).toBe(3);
      await t.http
        .get('/fhir/Patient')
        .query({ nonsense: 'x' })
        .set('Authorization', auth)
        .set('Prefer', 'handling=strict')
        .expect(400);
      await t.http
        .get('/fhir/Patient')
        .query({ 'subject.family': 'x' })
        .set('Authorization', auth)
        .set('Prefer', 'handling=strict')
        .expect(400);
    });

    it.each([
      { 'family:below': 'x' },
      { 'birthdate:not': '1970' },
      { 'gender:of-type': 'x' },
      { '_profile:contains': 'x' },
    ])('refuses %j with 400', async (query) => {
      await t.http.get('/fhir/Patient').query(query).set('Authorization', auth).expect(400);
    });
  });

  describe('injection (bad input changes nothing and is never a 500)', () => {
    const ATTACKS = [
      "' OR '1'='1",
      "'; DROP TABLE fhir_resources; --",
      '" OR ""="',
      "%' OR 1=1 --",
      '1 UNION SELECT content FROM fhir_resources',
      "x') OR ('a'='a",
      '\\',
      '%_%',
      '*',
      '\u0000',
      "Robert'); DELETE FROM fhir_resource_history;--",
      'x'.repeat(5000),
      '😀💥',
      'gt1e308',
      'eq-1e-400',
      '|||',
      '$',
      '\\,\\|',
    ];
    const PARAMS: [string, string][] = [
      ['Patient', 'family'],
      ['Patient', 'family:exact'],
      ['Patient', 'family:contains'],
      ['Patient', 'identifier'],
      ['Patient', 'gender:not'],
      ['Patient', 'language:text'],
      ['Patient', 'birthdate'],
      ['Patient', '_lastUpdated'],
      ['Patient', '_id'],
      ['Patient', '_profile'],
      ['Patient', '_profile:below'],
      ['Patient', '_tag'],
      ['Patient', 'general-practitioner'],
      ['Patient', '_sort'],
      ['Patient', '_count'],
      ['Patient', '_cursor'],
      ['Patient', '_elements'],
      ['Patient', '_include'],
      ['Patient', '_has:Observation:subject:code'],
      ['Observation', 'subject:Patient.family'],
      ['Observation', 'value-quantity'],
      ['RiskAssessment', 'probability'],
    ];

    it('answers 400 or a correct (empty) result for every parameter type', async () => {
      const before = await search('Patient', { _summary: 'count' });
      for (const [type, name] of PARAMS) {
        for (const attack of ATTACKS) {
          const res = await t.http
            .get(`/fhir/${type}`)
            .query({ [name]: attack })
            .set('Authorization', auth);
          if (res.status !== 200 && res.status !== 400)
            throw new Error(`${type}?${name}=${attack.slice(0, 40)} answered ${res.status}`);
          expect(res.body.resourceType).toBe(res.status === 200 ? 'Bundle' : 'OperationOutcome');
          // Nothing matches these values; a negation (:not) matches everything.
          if (res.status === 200 && !['_sort', '_count', '_elements'].includes(name))
            expect([name, attack, res.body.total]).toEqual([name, attack, name.endsWith(':not') ? 3 : 0]);
        }
      }
      expect((await search('Patient', { _summary: 'count' })).total).toBe(before.total);
      expect((await search('Observation', { _summary: 'count' })).total).toBe(4);
    });

    it('keeps injection strings in the names of parameters harmless too', async () => {
      for (const attack of ATTACKS.slice(0, 8)) {
        const res = await t.http
          .get('/fhir/Patient')
          .query({ [attack]: 'x', [`family:${attack}`]: 'x' })
          .set('Authorization', auth);
        expect([200, 400]).toContain(res.status);
      }
      expect((await search('Patient', {})).total).toBe(3);
    });
  });
});

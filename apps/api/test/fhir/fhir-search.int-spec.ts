import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

interface Bundle {
  resourceType: string;
  type: string;
  total: number;
  link: { relation: string; url: string }[];
  entry?: {
    fullUrl: string;
    resource: { id: string; resourceType: string; meta: { versionId: string } };
    search: { mode: string };
  }[];
}

describe.each(databases())('FHIR search on %s', (db) => {
  let t: TestApp;
  let auth: string;
  const ids: Record<string, string> = {};
  const base = () => `${t.config.publicUrl}/fhir`;

  async function create(resource: Record<string, unknown>): Promise<string> {
    const res = await t.http
      .post(`/fhir/${resource.resourceType as string}`)
      .set('Authorization', auth)
      .send(resource)
      .expect(201);
    return res.body.id as string;
  }

  async function search(
    type: string,
    query: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<Bundle> {
    const req = t.http.get(`/fhir/${type}`).query(query).set('Authorization', auth);
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    const res = await req.expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    return res.body as Bundle;
  }

  /** The keys (in `ids`) of the resources a search finds, sorted. */
  async function found(type: string, query: Record<string, string | string[]>): Promise<string[]> {
    const bundle = await search(type, { ...query, _count: '100' });
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    const keys = (bundle.entry ?? []).map((e) => byId.get(e.resource.id) ?? `?${e.resource.id}`).sort();
    expect(bundle.total).toBe(keys.length);
    return keys;
  }

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    const patient = (
      family: string,
      given: string[],
      gender: string,
      birthDate: string,
      identifier: { system: string; value: string }[] = [],
    ) => ({
      resourceType: 'Patient',
      identifier,
      name: [{ use: 'official', family, given }],
      gender,
      birthDate,
    });
    ids.smith = await create(
      patient('Smith', ['John'], 'male', '1970-05-02', [
        { system: NHS, value: '9990000018' },
        { system: 'urn:local', value: 'A1' },
      ]),
    );
    ids.smythe = await create(
      patient('Smythe', ['Jane'], 'female', '1970-11-20', [{ system: NHS, value: '9990000026' }]),
    );
    ids.bronte = await create(
      patient('Brontë', ['Zoë'], 'female', '1985-01-15', [{ system: NHS, value: '9990000034' }]),
    );
    ids.smithJones = await create(patient('Smith-Jones', ['Émile'], 'other', '1999-12-31'));
    ids.oneil = await create(
      patient("O'Neil", ['Mary', 'Ann'], 'female', '1970', [{ system: NHS, value: '9990000042' }]),
    );
    ids.c1 = await create({
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.smith}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
    });
    ids.c2 = await create({ resourceType: 'Condition', subject: { reference: `Patient/${ids.smythe}` } });
    ids.c3 = await create({ resourceType: 'Condition', subject: { reference: 'Group/g1' } });
    ids.c4 = await create({ resourceType: 'Condition', subject: { reference: `${base()}/Patient/${ids.bronte}` } });
    ids.ms1 = await create({
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: { reference: `Patient/${ids.smith}` },
      medicationCodeableConcept: { text: 'x' },
    });
    ids.ms2 = await create({
      resourceType: 'MedicationStatement',
      status: 'active',
      subject: { reference: `Patient/${ids.smythe}` },
      medicationCodeableConcept: { text: 'y' },
    });
    ids.mr1 = await create({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${ids.smith}` },
      medicationCodeableConcept: { text: 'x' },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('the searchset Bundle', () => {
    it('has total, an absolute self link, fullUrls and search.mode match', async () => {
      const bundle = await search('Patient', { gender: 'male' });
      expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
      expect(bundle.link).toEqual([{ relation: 'self', url: `${base()}/Patient?gender=male&_count=20` }]);
      expect(bundle.entry).toHaveLength(1);
      expect(bundle.entry![0].fullUrl).toBe(`${base()}/Patient/${ids.smith}`);
      expect(bundle.entry![0].search).toEqual({ mode: 'match' });
      expect(bundle.entry![0].resource).toMatchObject({
        resourceType: 'Patient',
        id: ids.smith,
        meta: { versionId: '1' },
      });
    });

    it('is empty (no entry) when nothing matches', async () => {
      const bundle = await search('Patient', { family: 'nobody' });
      expect(bundle.total).toBe(0);
      expect(bundle.entry).toBeUndefined();
    });
  });

  describe('_id', () => {
    it('finds by one or several ids', async () => {
      expect(await found('Patient', { _id: ids.smith })).toEqual(['smith']);
      expect(await found('Patient', { _id: `${ids.smith},${ids.bronte},unknown` })).toEqual(['bronte', 'smith']);
      expect(await found('Condition', { _id: ids.c1 })).toEqual(['c1']);
    });
  });

  describe('Patient identifier (token)', () => {
    it.each([
      [`${NHS}|9990000018`, ['smith']],
      ['9990000018', ['smith']],
      [`${NHS}|`, ['bronte', 'oneil', 'smith', 'smythe']],
      ['urn:local|A1', ['smith']],
      ['|9990000018', []],
      ['urn:local|9990000018', []],
      [`${NHS}|9990000018,${NHS}|9990000034`, ['bronte', 'smith']],
      ['9990000099', []],
    ])('identifier=%s', async (value, expected) => {
      expect(await found('Patient', { identifier: value })).toEqual(expected);
    });
  });

  describe('Patient gender (token)', () => {
    it.each([
      ['male', ['smith']],
      ['female', ['bronte', 'oneil', 'smythe']],
      ['male,other', ['smith', 'smithJones']],
      ['MALE', []],
    ])('gender=%s', async (value, expected) => {
      expect(await found('Patient', { gender: value })).toEqual(expected);
    });
  });

  describe('Patient family, given, name (string)', () => {
    it.each([
      [{ family: 'smi' }, ['smith', 'smithJones']],
      [{ family: 'SMITH' }, ['smith', 'smithJones']],
      [{ family: 'sm' }, ['smith', 'smithJones', 'smythe']],
      [{ family: 'bronte' }, ['bronte']],
      [{ family: 'Brontë' }, ['bronte']],
      [{ family: 'ont' }, []],
      [{ 'family:contains': 'ont' }, ['bronte']],
      [{ 'family:contains': 'ITH' }, ['smith', 'smithJones']],
      [{ 'family:exact': 'Smith' }, ['smith']],
      [{ 'family:exact': 'smith' }, []],
      [{ 'family:exact': 'Brontë' }, ['bronte']],
      [{ 'family:exact': 'Bronte' }, []],
      [{ given: 'zoe' }, ['bronte']],
      [{ given: 'emile' }, ['smithJones']],
      [{ given: 'ann' }, ['oneil']],
      [{ given: ['mary', 'ann'] }, ['oneil']],
      [{ given: ['mary', 'john'] }, []],
      [{ given: 'mary,john' }, ['oneil', 'smith']],
      [{ name: 'jo' }, ['smith']],
      [{ name: 'smi' }, ['smith', 'smithJones']],
      [{ name: "o'n" }, ['oneil']],
      [{ 'name:exact': 'Mary' }, ['oneil']],
      [{ family: 'smith', gender: 'male' }, ['smith']],
      [{ family: '100%' }, []],
      [{ 'family:contains': '_' }, []],
    ])('%j', async (query, expected) => {
      expect(await found('Patient', query)).toEqual(expected);
    });
  });

  describe('Patient birthdate (date)', () => {
    it.each([
      ['1970', ['oneil', 'smith', 'smythe']],
      ['1970-05', ['smith']],
      ['1970-05-02', ['smith']],
      ['eq1970-05-02', ['smith']],
      ['ne1970', ['bronte', 'smithJones']],
      ['gt1980', ['bronte', 'smithJones']],
      ['lt1971', ['oneil', 'smith', 'smythe']],
      ['ge1985-01-15', ['bronte', 'smithJones']],
      ['le1970-05-02', ['oneil', 'smith']],
      ['sa1985', ['smithJones']],
      ['eb1971', ['oneil', 'smith', 'smythe']],
      ['1999-12-31T10:00:00Z', []],
      ['1970-05,1985', ['bronte', 'smith']],
    ])('birthdate=%s', async (value, expected) => {
      expect(await found('Patient', { birthdate: value })).toEqual(expected);
    });

    it('ANDs repeated dates into a range', async () => {
      // "1970" overlaps both ends of the range, which is what ge and le ask for (search.html#prefix).
      expect(await found('Patient', { birthdate: ['ge1970-05-01', 'le1970-12-31'] })).toEqual([
        'oneil',
        'smith',
        'smythe',
      ]);
      expect(await found('Patient', { birthdate: ['ge1970-05-01', 'le1970-05-31'] })).toEqual(['oneil', 'smith']);
    });

    it.each(['1970-13', 'foo', 'xx1970', '1970-02-30', 'gt'])('refuses birthdate=%s with 400', async (value) => {
      const res = await t.http.get('/fhir/Patient').query({ birthdate: value }).set('Authorization', auth).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].code).toBe('invalid');
    });
  });

  describe('_lastUpdated', () => {
    it('compares with the server-set meta.lastUpdated', async () => {
      expect(await found('Patient', { _lastUpdated: 'gt2000-01-01' })).toHaveLength(5);
      expect(await found('Patient', { _lastUpdated: 'lt2000-01-01' })).toEqual([]);
    });
  });

  describe('patient and subject (reference)', () => {
    it.each([
      ['Condition', { patient: () => `Patient/${ids.smith}` }, ['c1']],
      ['Condition', { patient: () => ids.smith }, ['c1']],
      ['Condition', { subject: () => `Patient/${ids.smith}` }, ['c1']],
      ['Condition', { subject: () => ids.smythe }, ['c2']],
      ['Condition', { 'subject:Patient': () => ids.smith }, ['c1']],
      ['Condition', { subject: () => 'Group/g1' }, ['c3']],
      ['Condition', { patient: () => 'Group/g1' }, []],
      ['Condition', { patient: () => `${base()}/Patient/${ids.smith}` }, ['c1']],
      ['Condition', { patient: () => `Patient/${ids.bronte}` }, ['c4']],
      ['Condition', { patient: () => `https://elsewhere.example/fhir/Patient/${ids.smith}` }, []],
      ['Condition', { patient: () => `Patient/${ids.smith},Patient/${ids.smythe}` }, ['c1', 'c2']],
      ['MedicationStatement', { patient: () => `Patient/${ids.smith}` }, ['ms1']],
      ['MedicationStatement', { subject: () => ids.smythe }, ['ms2']],
      ['MedicationRequest', { patient: () => ids.smith }, ['mr1']],
      ['MedicationRequest', { subject: () => `Patient/${ids.smythe}` }, []],
    ])('%s %j', async (type, query, expected) => {
      const q = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v()]));
      expect(await found(type, q)).toEqual(expected);
    });

    it('refuses a type modifier the parameter cannot point to', async () => {
      await t.http.get('/fhir/Condition').query({ 'patient:Organization': '1' }).set('Authorization', auth).expect(400);
    });

    it('follows the index when a resource changes subject', async () => {
      const id = await create({ resourceType: 'Condition', subject: { reference: `Patient/${ids.smith}` } });
      ids.moving = id;
      expect(await found('Condition', { patient: ids.smith })).toEqual(['c1', 'moving']);
      await t.http
        .put(`/fhir/Condition/${id}`)
        .set('Authorization', auth)
        .send({ resourceType: 'Condition', id, subject: { reference: `Patient/${ids.smythe}` } })
        .expect(200);
      expect(await found('Condition', { patient: ids.smith })).toEqual(['c1']);
      expect(await found('Condition', { patient: ids.smythe })).toEqual(['c2', 'moving']);
      await t.http.delete(`/fhir/Condition/${id}`).set('Authorization', auth).expect(204);
      expect(await found('Condition', { patient: ids.smythe })).toEqual(['c2']);
    });
  });

  describe('paging', () => {
    const rel = (b: Bundle, r: string) => b.link.find((l) => l.relation === r)?.url;
    const follow = async (b: Bundle, r: string) =>
      (await t.http.get(rel(b, r)!.slice(t.config.publicUrl.length)).set('Authorization', auth).expect(200))
        .body as Bundle;

    it('pages by _count with cursor next/previous links and the total on every page', async () => {
      const first = await search('Patient', { _count: '2' });
      expect(first.total).toBe(5);
      expect(first.entry).toHaveLength(2);
      expect(rel(first, 'self')).toBe(`${base()}/Patient?_count=2`);
      expect(rel(first, 'previous')).toBeUndefined();
      expect(rel(first, 'first')).toBeUndefined();
      expect(rel(first, 'next')).toMatch(new RegExp(`^${base()}/Patient\\?_count=2&_cursor=a[A-Za-z0-9_-]+$`));
      const second = await follow(first, 'next');
      expect(second.total).toBe(5);
      expect(rel(second, 'first')).toBe(`${base()}/Patient?_count=2`);
      const third = await follow(second, 'next');
      expect(third.entry).toHaveLength(1);
      expect(rel(third, 'next')).toBeUndefined();
      const seen = [...first.entry!, ...second.entry!, ...third.entry!].map((e) => e.resource.id);
      expect(new Set(seen).size).toBe(5);
      expect(seen).toEqual((await search('Patient', { _count: '10' })).entry!.map((e) => e.resource.id));
      // Back again: previous of the third page is the second, and previous of the second the first.
      const back = await follow(third, 'previous');
      expect(back.entry!.map((e) => e.resource.id)).toEqual(second.entry!.map((e) => e.resource.id));
      const start = await follow(back, 'previous');
      expect(start.entry!.map((e) => e.resource.id)).toEqual(first.entry!.map((e) => e.resource.id));
      expect(rel(start, 'previous')).toBeUndefined();
      expect(rel(start, 'next')).toBeDefined();
    });

    it('keeps the search parameters in the paging links', async () => {
      const bundle = await search('Patient', { gender: 'female', _count: '1' });
      expect(bundle.total).toBe(3);
      expect(rel(bundle, 'next')).toMatch(new RegExp(`^${base()}/Patient\\?gender=female&_count=1&_cursor=`));
    });

    it('refuses a cursor it did not give out', async () => {
      for (const cursor of ['x', 'aW50', 'a' + Buffer.from('[1,2,3]').toString('base64url'), 'b%%%'])
        await t.http.get('/fhir/Patient').query({ _cursor: cursor }).set('Authorization', auth).expect(400);
    });

    it('defaults to 20, answers _count=0 with the total only, and caps _count at 1000', async () => {
      expect((await search('Patient', {})).link[0].url).toBe(`${base()}/Patient?_count=20`);
      const none = await search('Patient', { _count: '0' });
      expect(none.total).toBe(5);
      expect(none.entry).toBeUndefined();
      expect((await search('Patient', { _count: '5000' })).link[0].url).toBe(`${base()}/Patient?_count=1000`);
    });

    it('answers an offset past the end with an empty page', async () => {
      const bundle = await search('Patient', { _offset: '50' });
      expect(bundle.total).toBe(5);
      expect(bundle.entry).toBeUndefined();
    });

    it.each([{ _count: 'ten' }, { _count: '-1' }, { _offset: 'x' }])('refuses %j with 400', async (query) => {
      await t.http.get('/fhir/Patient').query(query).set('Authorization', auth).expect(400);
    });
  });

  describe('unknown parameters (search.html#errors)', () => {
    it('ignores them by default and leaves them out of the self link', async () => {
      const bundle = await search('Patient', { nonsense: 'x', gender: 'male' });
      expect(bundle.total).toBe(1);
      expect(bundle.link[0].url).toBe(`${base()}/Patient?gender=male&_count=20`);
      expect((await search('Patient', { nonsense: 'x' }, { Prefer: 'handling=lenient' })).total).toBe(5);
    });

    it('refuses them with Prefer: handling=strict', async () => {
      const res = await t.http
        .get('/fhir/Patient')
        .query({ nonsense: 'x' })
        .set('Authorization', auth)
        .set('Prefer', 'handling=strict')
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/nonsense/);
      await t.http
        .get('/fhir/Patient')
        .query({ gender: 'male' })
        .set('Authorization', auth)
        .set('Prefer', 'handling=strict')
        .expect(200);
    });

    it('refuses an unsupported modifier either way', async () => {
      await t.http.get('/fhir/Patient').query({ 'family:text': 'smith' }).set('Authorization', auth).expect(400);
      await t.http.get('/fhir/Patient').query({ 'gender:in': 'http://x' }).set('Authorization', auth).expect(400);
    });
  });
});

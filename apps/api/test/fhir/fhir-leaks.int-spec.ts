import { createTestApp, databases, resourceCreator, TestApp, tokenFor } from '../support/test-app';

interface Bundle {
  total?: number;
  entry?: {
    resource?: { id: string; resourceType: string; issue?: { diagnostics: string }[] };
    search?: { mode: string };
    response?: { status: string };
  }[];
}

/**
 * No oracle leaks (issue 3 §5): every returned entry is checked against the token, and a search crossing a type the
 * token may not read is refused. A patient-context token never sees another patient's data, by any route.
 */
describe.each(databases())('FHIR scope leaks on %s', (db) => {
  let t: TestApp;
  let system: string;
  const ids: Record<string, string> = {};

  const create = resourceCreator(() => ({ t, auth: system }), ids);
  const get = (path: string, token: string, query: Record<string, string | string[]> = {}) =>
    t.http.get(path).query(query).set('Authorization', token);
  const bundle = async (path: string, token: string, query: Record<string, string | string[]> = {}) => {
    const res = await get(path, token, query);
    if (res.status !== 200) throw new Error(`${path} ${JSON.stringify(query)}: ${res.status} ${res.text}`);
    return res.body as Bundle;
  };
  /** Resource types and ids in a Bundle (outcome entries aside). */
  const seen = (b: Bundle) =>
    (b.entry ?? [])
      .filter((e) => e.resource && e.resource.resourceType !== 'OperationOutcome')
      .map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
  const types = (b: Bundle) => new Set(seen(b).map((s) => s.split('/')[0]));

  beforeAll(async () => {
    t = await createTestApp(db);
    system = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    await create('alice', { resourceType: 'Patient', name: [{ family: 'Alice' }] });
    await create('bob', {
      resourceType: 'Patient',
      name: [{ family: 'Bob' }],
      link: [{ other: { reference: 'Patient/nobody' }, type: 'seealso' }],
    });
    await create('aliceEnc', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${ids.alice}` },
    });
    await create('bobEnc', {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: `Patient/${ids.bob}` },
    });
    await create('aliceCond', {
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.alice}` },
      encounter: { reference: `Encounter/${ids.aliceEnc}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001' }] },
    });
    await create('bobCond', {
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.bob}` },
      encounter: { reference: `Encounter/${ids.bobEnc}` },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '195967001' }] },
    });
    await create('aliceObs', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${ids.alice}` },
      focus: [{ reference: `Condition/${ids.aliceCond}` }],
    });
    await create('bobObs', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${ids.bob}` },
      focus: [{ reference: `Condition/${ids.bobCond}` }],
    });
    // Bob's encounter names Alice's condition as a diagnosis: a cross-patient link.
    await t.http
      .put(`/fhir/Encounter/${ids.bobEnc}`)
      .set('Authorization', system)
      .send({
        resourceType: 'Encounter',
        id: ids.bobEnc,
        status: 'finished',
        class: { code: 'AMB' },
        subject: { reference: `Patient/${ids.bob}` },
        diagnosis: [{ condition: { reference: `Condition/${ids.bobCond}` } }],
      })
      .expect(200);
    await create('bobDevice', { resourceType: 'Device', patient: { reference: `Patient/${ids.bob}` } });
    await create('freeDevice', { resourceType: 'Device' });
    await create('medication', { resourceType: 'Medication', code: { text: 'Metformin' } });
    await create('bundle', { resourceType: 'Bundle', type: 'collection' });
  });

  afterAll(() => t?.close());

  describe('a token with only Patient read', () => {
    let patientOnly: string;
    beforeAll(async () => {
      patientOnly = `Bearer ${await tokenFor(t, 'system/Patient.read')}`;
    });

    it('gets no Condition through _revinclude (left out, with a warning that does not depend on the data)', async () => {
      const b = await bundle('/fhir/Patient', patientOnly, { _revinclude: 'Condition:subject' });
      expect([...types(b)]).toEqual(['Patient']);
      const outcome = b.entry!.find((e) => e.search?.mode === 'outcome');
      expect(outcome?.resource?.issue?.[0].diagnostics).toMatch(/Condition/);
      const none = await bundle('/fhir/Patient', patientOnly, { _id: 'nobody', _revinclude: 'Condition:subject' });
      expect(none.entry ?? []).toEqual([]);
    });

    it('gets no Condition through _include:iterate or _revinclude:iterate', async () => {
      for (const query of [
        { '_revinclude:iterate': 'Condition:subject' } as Record<string, string>,
        { _revinclude: 'Encounter:subject', '_include:iterate': 'Encounter:diagnosis' },
        { _revinclude: 'Condition:subject', '_include:iterate': 'Condition:encounter' },
        { _revinclude: 'Observation:subject', '_include:iterate': 'Observation:focus' },
      ]) {
        const b = await bundle('/fhir/Patient', patientOnly, query);
        expect([...types(b)]).toEqual(['Patient']);
      }
    });

    it('is refused (403) a _has crossing Condition, whether or not anything would match', async () => {
      for (const code of ['195967001', 'no-such-code']) {
        const res = await get('/fhir/Patient', patientOnly, { '_has:Condition:subject:code': code }).expect(403);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(res.body.issue[0].code).toBe('forbidden');
      }
      await get('/fhir/Patient', patientOnly, { '_has:Encounter:subject:_has:Condition:encounter:code': 'x' }).expect(
        403,
      );
    });

    it('is refused (403) a chain crossing Condition', async () => {
      const withObs = `Bearer ${await tokenFor(t, 'system/Patient.read system/Observation.read')}`;
      await get('/fhir/Observation', withObs, { 'focus:Condition.code': '195967001' }).expect(403);
      await get('/fhir/Observation', withObs, { 'focus:Condition.code': 'nothing' }).expect(403);
      // Without a type the chain crosses only the readable targets.
      const b = await bundle('/fhir/Observation', withObs, { 'focus.code': '195967001' });
      expect(b.total).toBe(0);
      expect((await bundle('/fhir/Observation', withObs, { 'subject:Patient.family': 'alice' })).total).toBe(1);
    });

    it('gets no Condition from a batch or a transaction', async () => {
      const entry = [
        { request: { method: 'GET', url: `Condition/${ids.aliceCond}` } },
        { request: { method: 'GET', url: 'Condition?code=195967001' } },
        { request: { method: 'GET', url: `Patient?_revinclude=Condition:subject` } },
      ];
      const batch = await t.http
        .post('/fhir')
        .set('Authorization', patientOnly)
        .send({ resourceType: 'Bundle', type: 'batch', entry })
        .expect(200);
      expect(batch.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
        '403',
        '403',
        '200 OK',
      ]);
      expect(JSON.stringify(batch.body)).not.toContain(ids.aliceCond);
      await t.http
        .post('/fhir')
        .set('Authorization', patientOnly)
        .send({ resourceType: 'Bundle', type: 'transaction', entry })
        .expect(403);
    });

    it('sees no Condition in the system history', async () => {
      const b = await bundle('/fhir/_history', patientOnly, { _count: '1000' });
      expect([...types(b)]).toEqual(['Patient']);
    });
  });

  describe('a patient-context token (patient/*.read for Alice)', () => {
    let alice: string;
    beforeAll(async () => {
      alice = `Bearer ${await tokenFor(t, 'patient/*.read', { patient: ids.alice })}`;
    });

    const bobsIds = () => [ids.bob, ids.bobEnc, ids.bobCond, ids.bobObs, ids.bobDevice, ids.bundle];
    /** The resources a Bundle (or a batch response of Bundles) carries: what the token was given, not what it asked. */
    const resources = (b: unknown): unknown[] => {
      const out: unknown[] = [];
      for (const e of (b as Bundle).entry ?? []) {
        const r = e.resource as (Bundle & { resourceType: string }) | undefined;
        if (!r || r.resourceType === 'OperationOutcome') continue;
        if (r.resourceType === 'Bundle' && (r as { type?: string }).type !== 'collection') out.push(...resources(r));
        else out.push(r);
      }
      return out;
    };
    const expectNoBob = (b: Bundle | string) => {
      const text = JSON.stringify(resources(typeof b === 'string' ? JSON.parse(b) : b));
      for (const id of bobsIds()) expect(text).not.toContain(id);
    };

    it('reads only its own resources; the others answer 404, as unknown ones do', async () => {
      await get(`/fhir/Condition/${ids.aliceCond}`, alice).expect(200);
      for (const path of [
        `/fhir/Patient/${ids.bob}`,
        `/fhir/Condition/${ids.bobCond}`,
        `/fhir/Condition/${ids.bobCond}/_history/1`,
        `/fhir/Encounter/${ids.bobEnc}`,
        `/fhir/Device/${ids.bobDevice}`,
        `/fhir/Bundle/${ids.bundle}`,
        `/fhir/Condition/${ids.bobCond}/_history`,
      ])
        expect((await get(path, alice)).status).toBe(404);
      await get(`/fhir/Device/${ids.freeDevice}`, alice).expect(200);
      await get(`/fhir/Medication/${ids.medication}`, alice).expect(200);
    });

    it('searches only its own compartment, whatever the query', async () => {
      for (const [type, query] of [
        ['Condition', {}],
        ['Condition', { subject: `Patient/${ids.bob}` }],
        ['Condition', { code: '195967001' }],
        ['Patient', {}],
        ['Patient', { _id: ids.bob }],
        ['Observation', { 'subject:Patient.family': 'bob' }],
        ['Observation', { 'focus:Condition.code': '195967001' }],
        ['Patient', { '_has:Condition:subject:code': '195967001' }],
        ['Encounter', { 'diagnosis:Condition.subject': ids.bob }],
        ['Device', {}],
        ['Bundle', {}],
      ] as [string, Record<string, string>][]) {
        expectNoBob(await bundle(`/fhir/${type}`, alice, query));
      }
      expect(seen(await bundle('/fhir/Condition', alice))).toEqual([`Condition/${ids.aliceCond}`]);
      expect(seen(await bundle('/fhir/Patient', alice, { '_has:Condition:subject:code': '195967001' }))).toEqual([
        `Patient/${ids.alice}`,
      ]);
    });

    it('includes only its own resources', async () => {
      for (const query of [
        { _revinclude: ['Condition:subject', 'Encounter:subject', 'Observation:subject'] } as Record<
          string,
          string | string[]
        >,
        {
          _revinclude: 'Condition:subject',
          '_revinclude:iterate': 'Encounter:diagnosis',
          '_include:iterate': 'Condition:encounter',
        },
      ])
        expectNoBob(await bundle('/fhir/Patient', alice, query));
      // Bob's encounter refers to Bob's condition; reverse includes from Alice's never reach it.
      expectNoBob(
        await bundle('/fhir/Condition', alice, {
          _revinclude: 'Encounter:diagnosis',
          '_include:iterate': 'Encounter:subject',
        }),
      );
      expectNoBob(await bundle('/fhir/Device', alice, { _include: 'Device:patient' }));
    });

    it('sees only its own history, version by version', async () => {
      // A condition that was Bob's, then moved to Alice: its Bob-era version stays hidden.
      const moved = (
        await t.http
          .post('/fhir/Condition')
          .set('Authorization', system)
          .send({
            resourceType: 'Condition',
            subject: { reference: `Patient/${ids.bob}` },
            note: [{ text: 'secret of Bob' }],
          })
          .expect(201)
      ).body.id;
      await t.http
        .put(`/fhir/Condition/${moved}`)
        .set('Authorization', system)
        .send({ resourceType: 'Condition', id: moved, subject: { reference: `Patient/${ids.alice}` } })
        .expect(200);
      await get(`/fhir/Condition/${moved}`, alice).expect(200);
      await get(`/fhir/Condition/${moved}/_history/1`, alice).expect(404);
      for (const path of [`/fhir/Condition/${moved}/_history`, '/fhir/Condition/_history', '/fhir/_history']) {
        const b = await bundle(path, alice, { _count: '500' });
        expect(JSON.stringify(b)).not.toContain('secret of Bob');
        expectNoBob(b);
      }
      const instance = await bundle(`/fhir/Condition/${moved}/_history`, alice);
      expect(instance.entry).toHaveLength(1);
    });

    it('sees nothing of Bob through a batch', async () => {
      const entry = [
        { request: { method: 'GET', url: `Condition/${ids.bobCond}` } },
        { request: { method: 'GET', url: `Patient/${ids.bob}` } },
        { request: { method: 'GET', url: 'Condition' } },
        { request: { method: 'GET', url: `Patient?_revinclude=Condition:subject` } },
        { request: { method: 'GET', url: '_history' } },
      ].filter((e) => !e.request.url.startsWith('_'));
      const res = await t.http
        .post('/fhir')
        .set('Authorization', alice)
        .send({ resourceType: 'Bundle', type: 'batch', entry })
        .expect(200);
      expect(res.body.entry.slice(0, 2).map((e: { response: { status: string } }) => e.response.status)).toEqual([
        '404',
        '404',
      ]);
      expectNoBob(res.text);
    });
  });
});

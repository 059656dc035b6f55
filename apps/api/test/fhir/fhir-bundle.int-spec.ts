import { randomUUID } from 'node:crypto';
import { databases, openFhirSession, TestApp, tokenFor } from '../support/test-app';

interface ResponseBundle {
  resourceType: string;
  type: string;
  entry: {
    resource?: Record<string, unknown> & { id: string; resourceType: string };
    response: {
      status: string;
      location?: string;
      etag?: string;
      lastModified?: string;
      outcome?: { issue: { diagnostics: string; expression?: string[] }[] };
    };
  }[];
}

/** Batch and transaction Bundles at the base (R4 http.html#transaction). */
describe.each(databases())('FHIR batch and transaction on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => ({ t, auth } = await openFhirSession(db)));
  afterAll(() => t?.close());

  const post = (bundle: object, token = auth, path = '/fhir') =>
    t.http.post(path).set('Authorization', token).send(bundle);
  const count = async (type: string, query: Record<string, string> = {}) =>
    (
      await t.http
        .get(`/fhir/${type}`)
        .query({ ...query, _summary: 'count' })
        .set('Authorization', auth)
        .expect(200)
    ).body.total as number;
  const uuid = () => `urn:uuid:${randomUUID()}`;

  describe('transaction', () => {
    it('creates resources, rewrites urn:uuid references to the ids assigned, and answers in entry order', async () => {
      const patient = uuid();
      const encounter = uuid();
      const marker = `Tx${Date.now()}`;
      const res = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: encounter,
            resource: {
              resourceType: 'Encounter',
              status: 'finished',
              class: { code: 'AMB' },
              subject: { reference: patient },
            },
            request: { method: 'POST', url: 'Encounter' },
          },
          {
            fullUrl: uuid(),
            resource: {
              resourceType: 'Condition',
              subject: { reference: patient },
              encounter: { reference: encounter },
              text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">See ${patient}</div>` },
            },
            request: { method: 'POST', url: 'Condition' },
          },
          {
            fullUrl: patient,
            resource: { resourceType: 'Patient', name: [{ family: marker }] },
            request: { method: 'POST', url: 'Patient' },
          },
          { request: { method: 'GET', url: `Patient?family=${marker}&_revinclude=Condition:subject` } },
        ],
      }).expect(200);
      const body = res.body as ResponseBundle;
      expect(body.type).toBe('transaction-response');
      expect(body.entry.slice(0, 3).map((e) => e.response.status)).toEqual([
        '201 Created',
        '201 Created',
        '201 Created',
      ]);
      const [enc, cond, pat] = body.entry.map((e) => e.resource!);
      expect(pat.resourceType).toBe('Patient');
      // Ids the server assigns are UUIDv7 (time first): a bundle's rows land together at the B-trees' ends.
      for (const created of [enc, cond, pat]) expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(enc.subject).toEqual({ reference: `Patient/${pat.id}` });
      expect(cond.subject).toEqual({ reference: `Patient/${pat.id}` });
      expect(cond.encounter).toEqual({ reference: `Encounter/${enc.id}` });
      expect((cond.text as { div: string }).div).toContain(`Patient/${pat.id}`);
      expect(body.entry[2].response.location).toBe(`${t.config.publicUrl}/fhir/Patient/${pat.id}/_history/1`);
      expect(body.entry[2].response.etag).toBe('W/"1"');
      // The GET ran after the writes and saw them.
      const search = body.entry[3].resource as unknown as {
        total: number;
        entry: { resource: { resourceType: string } }[];
      };
      expect(search.total).toBe(1);
      expect(search.entry.map((e) => e.resource.resourceType).sort()).toEqual(['Condition', 'Patient']);
      expect(await count('Condition', { patient: pat.id })).toBe(1);
    });

    it('honours Prefer: return=minimal', async () => {
      const res = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }],
      })
        .set('Prefer', 'return=minimal')
        .expect(200);
      expect(res.body.entry[0].resource).toBeUndefined();
      expect(res.body.entry[0].response.location).toMatch(/\/fhir\/Patient\/[^/]+\/_history\/1$/);
    });

    it('updates, patches and deletes, and takes conditional creates', async () => {
      const a = (
        await t.http
          .post('/fhir/Patient')
          .set('Authorization', auth)
          .send({ resourceType: 'Patient', gender: 'male' })
          .expect(201)
      ).body;
      const b = (
        await t.http
          .post('/fhir/Patient')
          .set('Authorization', auth)
          .send({ resourceType: 'Patient', gender: 'male' })
          .expect(201)
      ).body;
      const c = (
        await t.http
          .post('/fhir/Patient')
          .set('Authorization', auth)
          .send({ resourceType: 'Patient', identifier: [{ system: 'urn:tx', value: 'one' }] })
          .expect(201)
      ).body;
      const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }])).toString(
        'base64',
      );
      const existing = uuid();
      const res = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: { resourceType: 'Patient', id: a.id, gender: 'other' },
            request: { method: 'PUT', url: `Patient/${a.id}`, ifMatch: 'W/"1"' },
          },
          {
            resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
            request: { method: 'PATCH', url: `Patient/${b.id}` },
          },
          { request: { method: 'DELETE', url: `Patient/${c.id}` } },
          {
            fullUrl: existing,
            resource: { resourceType: 'Patient', identifier: [{ system: 'urn:tx', value: 'two' }] },
            request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:tx|two' },
          },
          {
            resource: { resourceType: 'Condition', subject: { reference: existing } },
            request: { method: 'POST', url: 'Condition' },
          },
        ],
      }).expect(200);
      expect(res.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual([
        '200 OK',
        '200 OK',
        '204 No Content',
        '201 Created',
        '201 Created',
      ]);
      expect((await t.http.get(`/fhir/Patient/${a.id}`).set('Authorization', auth)).body.gender).toBe('other');
      expect((await t.http.get(`/fhir/Patient/${b.id}`).set('Authorization', auth)).body.gender).toBe('female');
      await t.http.get(`/fhir/Patient/${c.id}`).set('Authorization', auth).expect(410);
      const two = res.body.entry[3].resource.id;
      // The same conditional create again matches, and the references point at the existing one.
      const again = await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: existing,
            resource: { resourceType: 'Patient' },
            request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:tx|two' },
          },
          {
            resource: { resourceType: 'Condition', subject: { reference: existing } },
            request: { method: 'POST', url: 'Condition' },
          },
        ],
      }).expect(200);
      expect(again.body.entry[0].response.status).toBe('200 OK');
      expect(again.body.entry[1].resource.subject.reference).toBe(`Patient/${two}`);
    });

    describe('is all or nothing: one failing entry and nothing is written', () => {
      const failing: [string, (marker: string, victim: string) => Record<string, unknown>, number][] = [
        [
          'an invalid resource (422)',
          () => ({ resource: { resourceType: 'Patient', gender: 42 }, request: { method: 'POST', url: 'Patient' } }),
          422,
        ],
        [
          'a stale If-Match (412)',
          (_m, victim) => ({
            resource: { resourceType: 'Patient', id: victim },
            request: { method: 'PUT', url: `Patient/${victim}`, ifMatch: 'W/"9"' },
          }),
          412,
        ],
        [
          'a delete of an unknown resource (404)',
          () => ({ request: { method: 'DELETE', url: 'Patient/no-such-patient' } }),
          404,
        ],
        [
          'a resource type that does not exist (404)',
          () => ({ resource: { resourceType: 'Nonsense' }, request: { method: 'POST', url: 'Nonsense' } }),
          404,
        ],
        [
          'a resourceType unlike the URL (400)',
          () => ({ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Observation' } }),
          400,
        ],
        [
          'a failing patch (422)',
          (_m, victim) => ({
            resource: {
              resourceType: 'Binary',
              contentType: 'application/json-patch+json',
              data: Buffer.from(JSON.stringify([{ op: 'test', path: '/gender', value: 'x' }])).toString('base64'),
            },
            request: { method: 'PATCH', url: `Patient/${victim}` },
          }),
          422,
        ],
      ];
      it.each(failing)('%s', async (_what, bad, status) => {
        const marker = `Rollback${randomUUID().slice(0, 8)}`;
        const victim = (
          await t.http
            .post('/fhir/Patient')
            .set('Authorization', auth)
            .send({ resourceType: 'Patient', gender: 'male' })
            .expect(201)
        ).body.id;
        const other = (
          await t.http
            .post('/fhir/Patient')
            .set('Authorization', auth)
            .send({ resourceType: 'Patient', gender: 'male' })
            .expect(201)
        ).body.id;
        const patient = uuid();
        const before = await count('Patient');
        const res = await post({
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              fullUrl: patient,
              resource: { resourceType: 'Patient', name: [{ family: marker }] },
              request: { method: 'POST', url: 'Patient' },
            },
            {
              resource: { resourceType: 'Condition', subject: { reference: patient } },
              request: { method: 'POST', url: 'Condition' },
            },
            {
              resource: { resourceType: 'Patient', id: victim, gender: 'female' },
              request: { method: 'PUT', url: `Patient/${victim}` },
            },
            bad(marker, other),
          ],
        }).expect(status);
        expect(res.body.resourceType).toBe('OperationOutcome');
        expect(JSON.stringify(res.body)).toMatch(/Bundle\.entry\[3\]/);
        expect(await count('Patient')).toBe(before);
        expect(await count('Patient', { family: marker })).toBe(0);
        const current = await t.http.get(`/fhir/Patient/${victim}`).set('Authorization', auth).expect(200);
        expect(current.body.meta.versionId).toBe('1');
        expect(current.body.gender).toBe('male');
        await t.http.get(`/fhir/Patient/${victim}/_history/2`).set('Authorization', auth).expect(404);
      });
    });

    it('checks the scope of every entry: a write the token may not make refuses the whole transaction', async () => {
      const patientWriter = `Bearer ${await tokenFor(t, 'system/Patient.write system/Patient.read')}`;
      const marker = `Scope${Date.now()}`;
      const before = await count('Patient', { family: marker });
      const res = await post(
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              resource: { resourceType: 'Patient', name: [{ family: marker }] },
              request: { method: 'POST', url: 'Patient' },
            },
            {
              resource: { resourceType: 'Condition', subject: { reference: 'Patient/x' } },
              request: { method: 'POST', url: 'Condition' },
            },
          ],
        },
        patientWriter,
      ).expect(403);
      expect(res.body.issue[0].code).toBe('forbidden');
      expect(await count('Patient', { family: marker })).toBe(before);
    });

    it('refuses one resource written twice', async () => {
      const p = (
        await t.http.post('/fhir/Patient').set('Authorization', auth).send({ resourceType: 'Patient' }).expect(201)
      ).body;
      await post({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: p.id }, request: { method: 'PUT', url: `Patient/${p.id}` } },
          { request: { method: 'DELETE', url: `Patient/${p.id}` } },
        ],
      }).expect(400);
    });

    it('answers at /fhir/ too', async () => {
      const res = await post({ resourceType: 'Bundle', type: 'transaction', entry: [] }, auth, '/fhir/').expect(200);
      expect(res.body.type).toBe('transaction-response');
    });

    it('writes a bundle of 500 in one go', async () => {
      const marker = `Bulk${Date.now()}`;
      const entry = Array.from({ length: 500 }, (_, i) => ({
        fullUrl: uuid(),
        resource: {
          resourceType: 'Patient',
          name: [{ family: marker, given: [`G${i}`] }],
          gender: i % 2 ? 'male' : 'female',
        },
        request: { method: 'POST', url: 'Patient' },
      }));
      const res = await post({ resourceType: 'Bundle', type: 'transaction', entry })
        .set('Prefer', 'return=minimal')
        .expect(200);
      expect(res.body.entry).toHaveLength(500);
      expect(await count('Patient', { family: marker })).toBe(500);
      expect(await count('Patient', { family: marker, gender: 'male' })).toBe(250);
    });
  });

  describe('batch', () => {
    it('runs each entry on its own: failures are their entry responses', async () => {
      const readOnly = `Bearer ${await tokenFor(t, 'system/Patient.read system/Observation.write')}`;
      const marker = `Batch${Date.now()}`;
      const res = await post(
        {
          resourceType: 'Bundle',
          type: 'batch',
          entry: [
            {
              resource: { resourceType: 'Observation', status: 'final', code: { text: marker } },
              request: { method: 'POST', url: 'Observation' },
            },
            {
              resource: { resourceType: 'Condition', subject: { reference: 'Patient/x' } },
              request: { method: 'POST', url: 'Condition' },
            },
            {
              resource: { resourceType: 'Observation', status: 'nonsense', code: { text: marker } },
              request: { method: 'POST', url: 'Observation' },
            },
            { request: { method: 'GET', url: 'Patient/does-not-exist' } },
            { request: { method: 'GET', url: 'Patient?_count=1' } },
          ],
        },
        readOnly,
      ).expect(200);
      const body = res.body as ResponseBundle;
      expect(body.type).toBe('batch-response');
      expect(body.entry.map((e) => e.response.status)).toEqual(['201 Created', '403', '422', '404', '200 OK']);
      expect(body.entry[0].resource).toBeUndefined(); // the token may write Observations, not read them
      expect(body.entry[2].response.outcome!.issue[0].expression).toBeDefined();
      expect(await count('Observation', { 'code:text': marker })).toBe(1);
    });
  });

  describe('malformed bundles (400, nothing written)', () => {
    it.each([
      ['not a Bundle', { resourceType: 'Patient' }],
      ['a searchset', { resourceType: 'Bundle', type: 'searchset' }],
      ['entries that are not an array', { resourceType: 'Bundle', type: 'batch', entry: {} }],
      [
        'an entry without request',
        { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient' } }] },
      ],
      [
        'a bad method',
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'FETCH', url: 'Patient' } }],
        },
      ],
      [
        'a URL on another server',
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              resource: { resourceType: 'Patient' },
              request: { method: 'POST', url: 'https://elsewhere.example/fhir/Patient' },
            },
          ],
        },
      ],
      [
        'a POST without resource',
        { resourceType: 'Bundle', type: 'transaction', entry: [{ request: { method: 'POST', url: 'Patient' } }] },
      ],
      [
        'a conditional PUT',
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'PUT', url: 'Patient?identifier=x' } }],
        },
      ],
      ['an array', []],
    ])('%s', async (_what, bundle) => {
      const before = await count('Patient');
      const res = await post(bundle).expect(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(await count('Patient')).toBe(before);
    });
  });
});

import { databases, openFhirSession, TestApp, tokenFor } from '../support/test-app';

interface Bundle {
  type: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: {
    fullUrl: string;
    resource?: { id: string; meta: { versionId: string }; gender?: string };
    request: { method: string; url: string };
    response: { status: string; etag: string; lastModified: string };
  }[];
}

/** Versions, conditional interactions, patch, history and Prefer (R4 http.html). */
describe.each(databases())('FHIR versioning on %s', (db) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => ({ t, auth } = await openFhirSession(db)));
  afterAll(() => t?.close());

  const create = async (resource: Record<string, unknown>) =>
    (
      await t.http
        .post(`/fhir/${resource.resourceType as string}`)
        .set('Authorization', auth)
        .send(resource)
        .expect(201)
    ).body as {
      id: string;
      meta: { versionId: string; lastUpdated: string };
    } & Record<string, unknown>;

  describe('ETag and Last-Modified', () => {
    it('come with read, vread, create, update, patch and delete, and match meta', async () => {
      const created = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .send({ resourceType: 'Patient', gender: 'male' })
        .expect(201);
      const id = created.body.id;
      const check = (res: {
        headers: Record<string, string>;
        body: { meta: { versionId: string; lastUpdated: string } };
      }) => {
        expect(res.headers.etag).toBe(`W/"${res.body.meta.versionId}"`);
        expect(res.headers['last-modified']).toBe(new Date(res.body.meta.lastUpdated).toUTCString());
      };
      check(created);
      check(await t.http.get(`/fhir/Patient/${id}`).set('Authorization', auth).expect(200));
      check(await t.http.get(`/fhir/Patient/${id}/_history/1`).set('Authorization', auth).expect(200));
      check(
        await t.http
          .put(`/fhir/Patient/${id}`)
          .set('Authorization', auth)
          .send({ resourceType: 'Patient', id, gender: 'female' })
          .expect(200),
      );
      check(
        await t.http
          .patch(`/fhir/Patient/${id}`)
          .set('Authorization', auth)
          .set('Content-Type', 'application/json-patch+json')
          .send(JSON.stringify([{ op: 'replace', path: '/gender', value: 'other' }]))
          .expect(200),
      );
      const del = await t.http.delete(`/fhir/Patient/${id}`).set('Authorization', auth).expect(204);
      expect(del.headers.etag).toBe('W/"4"');
      expect(del.headers['last-modified']).toBeDefined();
    });
  });

  describe('If-Match (R4 http.html#concurrency)', () => {
    it('updates only the version named, else 412 and nothing changes', async () => {
      const p = await create({ resourceType: 'Patient', gender: 'male' });
      await t.http
        .put(`/fhir/Patient/${p.id}`)
        .set('Authorization', auth)
        .set('If-Match', 'W/"2"')
        .send({ resourceType: 'Patient', id: p.id, gender: 'female' })
        .expect(412)
        .expect((res) => expect(res.body.issue[0].code).toBe('conflict'));
      const ok = await t.http
        .put(`/fhir/Patient/${p.id}`)
        .set('Authorization', auth)
        .set('If-Match', 'W/"1"')
        .send({ resourceType: 'Patient', id: p.id, gender: 'female' })
        .expect(200);
      expect(ok.body.meta.versionId).toBe('2');
      expect((await t.http.get(`/fhir/Patient/${p.id}`).set('Authorization', auth)).body.gender).toBe('female');
    });

    it('refuses a malformed If-Match with 400', async () => {
      const p = await create({ resourceType: 'Patient' });
      await t.http
        .put(`/fhir/Patient/${p.id}`)
        .set('Authorization', auth)
        .set('If-Match', 'nonsense')
        .send({ resourceType: 'Patient', id: p.id })
        .expect(400);
    });

    it('applies to delete and patch too', async () => {
      const p = await create({ resourceType: 'Patient', gender: 'male' });
      await t.http.delete(`/fhir/Patient/${p.id}`).set('Authorization', auth).set('If-Match', 'W/"7"').expect(412);
      await t.http
        .patch(`/fhir/Patient/${p.id}`)
        .set('Authorization', auth)
        .set('If-Match', 'W/"7"')
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify([{ op: 'remove', path: '/gender' }]))
        .expect(412);
      await t.http.delete(`/fhir/Patient/${p.id}`).set('Authorization', auth).set('If-Match', 'W/"1"').expect(204);
    });

    it('lets exactly one of two concurrent updates of one version win; the other gets 412', async () => {
      for (let round = 0; round < 5; round++) {
        const p = await create({ resourceType: 'Patient', gender: 'male' });
        const update = (gender: string) =>
          t.http
            .put(`/fhir/Patient/${p.id}`)
            .set('Authorization', auth)
            .set('If-Match', 'W/"1"')
            .send({ resourceType: 'Patient', id: p.id, gender });
        const results = await Promise.all([update('female'), update('other')]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
        const winner = results.find((r) => r.status === 200)!;
        const current = await t.http.get(`/fhir/Patient/${p.id}`).set('Authorization', auth).expect(200);
        expect(current.body.meta.versionId).toBe('2');
        expect(current.body.gender).toBe(winner.body.gender);
        await t.http.get(`/fhir/Patient/${p.id}/_history/3`).set('Authorization', auth).expect(404);
      }
    });
  });

  describe('conditional create (If-None-Exist, R4 http.html#ccreate)', () => {
    const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
    it('creates when nothing matches, answers the match with 200 when one does, 412 when several do', async () => {
      const body = { resourceType: 'Patient', identifier: [{ system: NHS, value: '9990000018' }] };
      const ifNoneExist = `identifier=${NHS}|9990000018`;
      const first = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('If-None-Exist', ifNoneExist)
        .send(body)
        .expect(201);
      const again = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('If-None-Exist', ifNoneExist)
        .send(body)
        .expect(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.location).toBe(`${t.config.publicUrl}/fhir/Patient/${first.body.id}/_history/1`);
      await create(body);
      const many = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('If-None-Exist', ifNoneExist)
        .send(body)
        .expect(412);
      expect(many.body.issue[0].code).toBe('multiple-matches');
    });

    it('refuses a condition it cannot evaluate rather than ignore it', async () => {
      await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('If-None-Exist', 'nonsense=1')
        .send({ resourceType: 'Patient' })
        .expect(400);
    });

    it('needs the search permission: a condition is a search', async () => {
      const createOnly = `Bearer ${await tokenFor(t, 'system/Patient.c')}`;
      await t.http
        .post('/fhir/Patient')
        .set('Authorization', createOnly)
        .set('If-None-Exist', 'family=x')
        .send({ resourceType: 'Patient' })
        .expect(403);
      await t.http.post('/fhir/Patient').set('Authorization', createOnly).send({ resourceType: 'Patient' }).expect(201);
    });
  });

  describe('update as create', () => {
    it('creates with the client id (201), then updates (200)', async () => {
      const id = `client-${Date.now()}`;
      await t.http
        .put(`/fhir/Observation/${id}`)
        .set('Authorization', auth)
        .send({ resourceType: 'Observation', id, status: 'final', code: { text: 'x' } })
        .expect(201);
      const second = await t.http
        .put(`/fhir/Observation/${id}`)
        .set('Authorization', auth)
        .send({ resourceType: 'Observation', id, status: 'amended', code: { text: 'x' } })
        .expect(200);
      expect(second.body.meta.versionId).toBe('2');
    });
  });

  describe('JSON Patch (R4 http.html#patch, RFC 6902)', () => {
    const patch = (id: string, ops: unknown, contentType = 'application/json-patch+json') =>
      t.http
        .patch(`/fhir/Patient/${id}`)
        .set('Authorization', auth)
        .set('Content-Type', contentType)
        .send(JSON.stringify(ops));

    it('applies add, replace, remove, copy, move and test', async () => {
      const p = await create({ resourceType: 'Patient', gender: 'male', name: [{ family: 'Old' }] });
      const res = await patch(p.id, [
        { op: 'test', path: '/gender', value: 'male' },
        { op: 'replace', path: '/gender', value: 'female' },
        { op: 'add', path: '/name/0/given', value: ['Ann'] },
        { op: 'add', path: '/name/-', value: { family: 'New' } },
        { op: 'copy', from: '/name/0/given', path: '/name/1/given' },
        { op: 'add', path: '/birthDate', value: '1970-01-01' },
        { op: 'move', from: '/birthDate', path: '/deceasedDateTime' },
        { op: 'remove', path: '/deceasedDateTime' },
      ]).expect(200);
      expect(res.body).toMatchObject({
        gender: 'female',
        name: [
          { family: 'Old', given: ['Ann'] },
          { family: 'New', given: ['Ann'] },
        ],
      });
      expect(res.body.meta.versionId).toBe('2');
      const found = await t.http
        .get('/fhir/Patient')
        .query({ family: 'new', _id: p.id })
        .set('Authorization', auth)
        .expect(200);
      expect(found.body.total).toBe(1);
    });

    it.each([
      ['not an array', { op: 'add' }, 400],
      ['an unknown op', [{ op: 'frobnicate', path: '/a' }], 400],
      ['a failed test', [{ op: 'test', path: '/gender', value: 'other' }], 422],
      ['a missing path', [{ op: 'remove', path: '/nothing/here' }], 422],
      ['a changed id', [{ op: 'replace', path: '/id', value: 'another' }], 422],
      ['an invalid result', [{ op: 'replace', path: '/gender', value: 42 }], 422],
    ])('refuses %s (%j) and changes nothing', async (_what, ops, status) => {
      const p = await create({ resourceType: 'Patient', gender: 'male' });
      const res = await patch(p.id, ops).expect(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      const current = await t.http.get(`/fhir/Patient/${p.id}`).set('Authorization', auth).expect(200);
      expect(current.body.meta.versionId).toBe('1');
      expect(current.body.gender).toBe('male');
    });

    it('refuses another content type with 415, and an unknown or deleted resource with 404 or 410', async () => {
      const p = await create({ resourceType: 'Patient', gender: 'male' });
      await patch(p.id, [], 'application/fhir+json').expect(415);
      await patch('no-such-patient', [{ op: 'remove', path: '/gender' }]).expect(404);
      await t.http.delete(`/fhir/Patient/${p.id}`).set('Authorization', auth).expect(204);
      await patch(p.id, [{ op: 'remove', path: '/gender' }]).expect(410);
    });
  });

  describe('Prefer: return (R4 http.html#ops)', () => {
    it.each([
      ['minimal', (res: { text: string }) => expect(res.text).toBe('')],
      ['representation', (res: { body: { resourceType: string } }) => expect(res.body.resourceType).toBe('Patient')],
      [
        'OperationOutcome',
        (res: { body: { resourceType: string } }) => expect(res.body.resourceType).toBe('OperationOutcome'),
      ],
    ])('return=%s shapes create, update and patch answers', async (pref, check) => {
      const res = await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .set('Prefer', `return=${pref}`)
        .send({ resourceType: 'Patient' })
        .expect(201);
      check(res as never);
      const id = res.headers.location.split('/')[5];
      check(
        (await t.http
          .put(`/fhir/Patient/${id}`)
          .set('Authorization', auth)
          .set('Prefer', `return=${pref}`)
          .send({ resourceType: 'Patient', id })
          .expect(200)) as never,
      );
      check(
        (await t.http
          .patch(`/fhir/Patient/${id}`)
          .set('Authorization', auth)
          .set('Prefer', `return=${pref}`)
          .set('Content-Type', 'application/json-patch+json')
          .send('[]')
          .expect(200)) as never,
      );
    });
  });

  describe('history (R4 http.html#history)', () => {
    let id: string;
    let since: string;
    let marker: string;

    beforeAll(async () => {
      marker = `h${Date.now()}`;
      const p = await create({ resourceType: 'Basic', code: { text: marker }, created: '2020-01-01' });
      id = p.id;
      for (let v = 2; v <= 4; v++) {
        if (v === 3) {
          await new Promise((r) => setTimeout(r, 20));
          since = new Date().toISOString();
          await new Promise((r) => setTimeout(r, 20));
        }
        await t.http
          .put(`/fhir/Basic/${id}`)
          .set('Authorization', auth)
          .send({ resourceType: 'Basic', id, code: { text: marker }, created: `202${v}-01-01` })
          .expect(200);
      }
      await t.http.delete(`/fhir/Basic/${id}`).set('Authorization', auth).expect(204);
    });

    const history = async (path: string, query: Record<string, string> = {}) =>
      (await t.http.get(path).query(query).set('Authorization', auth).expect(200)).body as Bundle;

    it('of an instance: every version newest first, with request and response, deletions included', async () => {
      const bundle = await history(`/fhir/Basic/${id}/_history`);
      expect(bundle.type).toBe('history');
      expect(bundle.total).toBe(5);
      expect(bundle.entry!.map((e) => e.response.etag)).toEqual(['W/"5"', 'W/"4"', 'W/"3"', 'W/"2"', 'W/"1"']);
      expect(bundle.entry![0].request).toEqual({ method: 'DELETE', url: `Basic/${id}` });
      expect(bundle.entry![0].resource).toBeUndefined();
      expect(bundle.entry![1].request.method).toBe('PUT');
      expect(bundle.entry![4]).toMatchObject({
        request: { method: 'POST', url: 'Basic' },
        response: { status: '201 Created' },
      });
      expect(bundle.entry![4].resource!.meta.versionId).toBe('1');
    });

    it('honours _since and _count, with a next link that continues where the page ended', async () => {
      const recent = await history(`/fhir/Basic/${id}/_history`, { _since: since });
      expect(recent.entry!.map((e) => e.response.etag)).toEqual(['W/"5"', 'W/"4"', 'W/"3"']);
      const page1 = await history(`/fhir/Basic/${id}/_history`, { _count: '2' });
      expect(page1.entry!.map((e) => e.response.etag)).toEqual(['W/"5"', 'W/"4"']);
      const next = page1.link.find((l) => l.relation === 'next')!.url;
      const page2 = await history(next.slice(t.config.publicUrl.length));
      expect(page2.entry!.map((e) => e.response.etag)).toEqual(['W/"3"', 'W/"2"']);
      await t.http
        .get(`/fhir/Basic/${id}/_history`)
        .query({ _since: 'yesterday' })
        .set('Authorization', auth)
        .expect(400);
    });

    it('of a type and of the system', async () => {
      const typeHistory = await history('/fhir/Basic/_history', { _since: since });
      expect(typeHistory.entry!.every((e) => e.fullUrl.includes('/Basic/'))).toBe(true);
      expect(typeHistory.entry!.filter((e) => e.fullUrl.endsWith(id))).toHaveLength(3);
      const system = await history('/fhir/_history', { _since: since, _count: '100' });
      expect(system.entry!.filter((e) => e.fullUrl.endsWith(`/Basic/${id}`))).toHaveLength(3);
      const newest = system.entry!.map((e) => e.response.lastModified);
      expect([...newest].sort().reverse()).toEqual(newest);
    });

    it('answers 404 for an unknown resource and needs the read permission', async () => {
      await t.http.get('/fhir/Basic/nothing-here/_history').set('Authorization', auth).expect(404);
      const other = `Bearer ${await tokenFor(t, 'system/Patient.read')}`;
      await t.http.get(`/fhir/Basic/${id}/_history`).set('Authorization', other).expect(403);
      await t.http.get('/fhir/Basic/_history').set('Authorization', other).expect(403);
      const system = await t.http
        .get('/fhir/_history')
        .query({ _since: since })
        .set('Authorization', other)
        .expect(200);
      expect((system.body as Bundle).entry ?? []).toEqual([]);
    });
  });
});

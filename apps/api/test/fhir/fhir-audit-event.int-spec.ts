import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

interface Bundle {
  total: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: { resourceType: string; id: string; subtype?: { code: string }[] } }[];
}

/** The audit trail at /fhir/AuditEvent, read-only (issue 3 §6). */
describe.each(databases())('FHIR AuditEvent on %s', (db) => {
  let t: TestApp;
  let system: string;
  let reader: string;

  beforeAll(async () => {
    t = await createTestApp(db);
    system = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    reader = `Bearer ${await tokenFor(t, 'system/AuditEvent.read')}`;
    const p = await t.http
      .post('/fhir/Patient')
      .set('Authorization', system)
      .send({ resourceType: 'Patient' })
      .expect(201);
    await t.http.get(`/fhir/Patient/${p.body.id}`).set('Authorization', system).expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('searches the audit trail as AuditEvents, newest first', async () => {
    const res = await t.http.get('/fhir/AuditEvent').query({ _count: '5' }).set('Authorization', reader).expect(200);
    const bundle = res.body as Bundle;
    expect(bundle.total).toBeGreaterThan(2);
    expect(bundle.entry!.every((e) => e.resource.resourceType === 'AuditEvent')).toBe(true);
    expect(bundle.entry![0].fullUrl).toBe(`${t.config.publicUrl}/fhir/AuditEvent/${bundle.entry![0].resource.id}`);
    const reads = (
      await t.http.get('/fhir/AuditEvent').query({ subtype: 'read' }).set('Authorization', reader).expect(200)
    ).body as Bundle;
    expect(reads.total).toBeGreaterThanOrEqual(1);
  });

  it('reads one AuditEvent, and answers 404 for an unknown one', async () => {
    const first = (
      (await t.http.get('/fhir/AuditEvent').query({ _count: '1' }).set('Authorization', reader).expect(200))
        .body as Bundle
    ).entry![0].resource;
    const res = await t.http.get(`/fhir/AuditEvent/${first.id}`).set('Authorization', reader).expect(200);
    expect(res.body).toEqual(first);
    await t.http.get('/fhir/AuditEvent/00000000-0000-0000-0000-000000000000').set('Authorization', reader).expect(404);
  });

  it('pages stably although every request adds a record', async () => {
    const seen: string[] = [];
    let bundle = (await t.http.get('/fhir/AuditEvent').query({ _count: '2' }).set('Authorization', reader).expect(200))
      .body as Bundle;
    for (let page = 0; page < 4; page++) {
      seen.push(...(bundle.entry ?? []).map((e) => e.resource.id));
      // Every request adds a record, at the newest end, while the client pages.
      await t.http.get('/fhir/Patient').set('Authorization', system).expect(200);
      const next = bundle.link.find((l) => l.relation === 'next');
      if (!next) break;
      bundle = (await t.http.get(next.url.slice(t.config.publicUrl.length)).set('Authorization', reader).expect(200))
        .body as Bundle;
    }
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('shows the record of a request answered just before', async () => {
    const res = await t.http.get('/fhir/Patient/just-before').set('Authorization', system).expect(404);
    const bundle = (
      await t.http.get('/fhir/AuditEvent').query({ _count: '5' }).set('Authorization', reader).expect(200)
    ).body as Bundle;
    expect(JSON.stringify(bundle)).toContain(res.headers['x-request-id']);
  });

  it('needs an AuditEvent scope', async () => {
    const other = `Bearer ${await tokenFor(t, 'system/Patient.read')}`;
    await t.http.get('/fhir/AuditEvent').set('Authorization', other).expect(403);
    await t.http.get('/fhir/AuditEvent/x').set('Authorization', other).expect(403);
    const confined = `Bearer ${await tokenFor(t, 'patient/AuditEvent.read', { patient: 'p1' })}`;
    await t.http.get('/fhir/AuditEvent').set('Authorization', confined).expect(403);
  });

  it.each([
    ['post', '/fhir/AuditEvent'],
    ['put', '/fhir/AuditEvent/x'],
    ['patch', '/fhir/AuditEvent/x'],
    ['delete', '/fhir/AuditEvent/x'],
    ['put', '/fhir/AuditEvent?outcome=0'],
    ['delete', '/fhir/AuditEvent?outcome=0'],
  ] as const)('refuses %s %s with 405, whatever the scopes', async (method, path) => {
    for (const token of [system, reader]) {
      const res = await t.http[method](path).set('Authorization', token).send({ resourceType: 'AuditEvent' });
      expect(res.status).toBe(405);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('refuses AuditEvents in a transaction too', async () => {
    await t.http
      .post('/fhir')
      .set('Authorization', system)
      .send({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: { resourceType: 'AuditEvent' }, request: { method: 'POST', url: 'AuditEvent' } }],
      })
      .expect(404);
  });

  it('is listed in the CapabilityStatement as read and search only', async () => {
    const statement = (await t.http.get('/fhir/metadata').expect(200)).body;
    const entry = statement.rest[0].resource.find((r: { type: string }) => r.type === 'AuditEvent');
    expect(entry.interaction.map((i: { code: string }) => i.code)).toEqual(['read', 'search-type']);
    expect(entry.searchParam.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['date', 'agent', 'subtype', 'entity']),
    );
  });
});

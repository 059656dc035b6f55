import { AuditService } from '../../src/audit/audit.service';
import { validateResource } from '../../src/fhir/validation';
import { basic, createClient, createTestApp, databases, getToken } from '../support/test-app';
import type { RegisteredClient, TestApp } from '../support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST = 'http://hl7.org/fhir/restful-interaction';

describe.each(databases())('the audit trail as FHIR AuditEvents on %s', (db) => {
  let t: TestApp;
  let base: string;
  let writer: RegisteredClient;
  let reader: RegisteredClient;
  let patientId: string;
  /** The X-Request-Id of each request made, by name. */
  const requests: Record<string, string> = {};
  /** An instant between the writer's requests and the reader's. */
  let middle: Date;

  const search = (params: Record<string, string | string[]> = {}, page = { count: 100, offset: 0 }) =>
    t.app.get(AuditService).searchAuditEvents(params, page, base);
  const ids = async (params: Record<string, string | string[]>) =>
    (await search(params)).resources.map((r) => r.id as string);
  const byRequest = (events: Json[], name: string): Json => {
    const found = events.find((e) => e.entity.some((en: Json) => en.what.identifier?.value === requests[name]));
    if (!found) throw new Error(`no AuditEvent for the ${name} request`);
    return found;
  };

  beforeAll(async () => {
    t = await createTestApp(db);
    base = `${t.config.publicUrl}/fhir`;
    writer = await createClient(t, 'system/*.*');
    reader = await createClient(t, 'system/Patient.read');

    const writerToken = await getToken(t, writer);
    const created = await t.http
      .post('/fhir/Patient')
      .set('Authorization', `Bearer ${writerToken}`)
      .send({ resourceType: 'Patient', name: [{ family: 'Audit' }] })
      .expect(201);
    patientId = created.body.id;
    requests.create = created.headers['x-request-id'];

    await new Promise((r) => setTimeout(r, 20));
    middle = new Date();
    await new Promise((r) => setTimeout(r, 20));

    const token = await t.http
      .post('/auth/token')
      .set('Authorization', basic(reader.client_id, reader.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    requests.token = token.headers['x-request-id'];
    const auth = `Bearer ${token.body.access_token}`;
    requests.read = (await t.http.get(`/fhir/Patient/${patientId}`).set('Authorization', auth).expect(200)).headers[
      'x-request-id'
    ];
    requests.search = (await t.http.get('/fhir/Patient?family=Audit').set('Authorization', auth).expect(200)).headers[
      'x-request-id'
    ];
    requests.denied = (await t.http.get('/fhir/Condition/c-1').set('Authorization', auth).expect(403)).headers[
      'x-request-id'
    ];
    requests.missing = (
      await t.http.get('/fhir/Patient/no-such-patient').set('Authorization', auth).expect(404)
    ).headers['x-request-id'];
    requests.badSecret = (
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(reader.client_id, 'wrong-secret'))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401)
    ).headers['x-request-id'];
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('mapping', () => {
    let events: Json[];
    beforeAll(async () => {
      events = (await search()).resources;
    });

    it('maps a FHIR read: rest/read, the client as requesting agent, the Patient as entity, the request id and scope', async () => {
      const e = byRequest(events, 'read');
      const [stored] = (
        await t.app.get(AuditService).query({ client_id: reader.client_id, type: 'Patient', limit: 100 })
      ).items.filter((r) => r.request_id === requests.read);
      expect(e).toMatchObject({
        resourceType: 'AuditEvent',
        id: stored.id,
        type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
        subtype: [{ system: REST, code: 'read' }],
        action: 'R',
        recorded: stored.recorded_at,
        outcome: '0',
        source: { observer: { identifier: { value: base } } },
      });
      expect(e.agent[0]).toEqual({
        type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
        who: { identifier: { value: reader.client_id }, display: reader.client_id },
        name: reader.client_id,
        requestor: true,
        network: { address: stored.ip, type: '2' },
      });
      expect(stored.ip).not.toBe('');
      expect(e.entity[0]).toMatchObject({
        what: { reference: `Patient/${patientId}`, type: 'Patient' },
        role: { code: '1' },
      });
      expect(e.entity[1].detail).toEqual([
        { type: 'http-status', valueString: '200' },
        { type: 'scope', valueString: 'system/Patient.read' },
      ]);
    });

    it('maps a token request as DICOM User Authentication / Login', () => {
      const e = byRequest(events, 'token');
      expect(e).toMatchObject({
        type: { system: DCM, code: '110114' },
        subtype: [{ system: DCM, code: '110122' }, { code: 'token' }],
        action: 'E',
        outcome: '0',
      });
      expect(e.agent[0].who.identifier.value).toBe(reader.client_id);
    });

    it('maps a denied request as a minor failure with its reason', () => {
      const e = byRequest(events, 'denied');
      expect(e).toMatchObject({ subtype: [{ code: 'read' }], outcome: '4', outcomeDesc: expect.stringMatching(/\S/) });
      expect(e.entity[0].what).toEqual({ reference: 'Condition/c-1', type: 'Condition' });
      expect(e.entity[1].detail[0]).toEqual({ type: 'http-status', valueString: '403' });
      const refused = byRequest(events, 'badSecret');
      expect(refused).toMatchObject({ type: { code: '110114' }, outcome: '4' });
    });

    it('maps an administrator action with the administrator as requestor', () => {
      const created = events.find((e) => e.subtype.some((s: Json) => s.code === 'client.create'));
      expect(created).toMatchObject({
        type: { system: DCM, code: '110113' },
        subtype: [{ system: DCM, code: '110129' }, { system: `${base}/CodeSystem/audit-action` }],
        action: 'C',
        outcome: '0',
      });
      expect(created!.agent[0]).toMatchObject({ who: { display: 'test-admin' }, requestor: true });
    });

    it('gives valid R4 AuditEvents, newest first', () => {
      expect(events.length).toBeGreaterThanOrEqual(10);
      for (const e of events)
        expect(validateResource(e, 'AuditEvent').filter((i) => i.severity === 'error')).toEqual([]);
      const recorded = events.map((e) => e.recorded as string);
      expect([...recorded].sort().reverse()).toEqual(recorded);
    });
  });

  describe('search parameters', () => {
    it('_id', async () => {
      const all = await ids({});
      expect(await ids({ _id: all[3] })).toEqual([all[3]]);
      expect(await ids({ _id: `${all[1]},${all[2]}` })).toEqual([all[1], all[2]]);
    });

    it('agent and agent-name: the client', async () => {
      const stored = await t.app.get(AuditService).query({ client_id: reader.client_id, limit: 100 });
      const found = await search({ agent: reader.client_id });
      expect(found.total).toBe(stored.total);
      expect(found.resources.map((r) => r.id)).toEqual(stored.items.map((r) => r.id));
      expect(found.total).toBe(6); // token, read, search, denied, missing, bad secret
      expect(await ids({ 'agent:identifier': reader.client_id })).toEqual(found.resources.map((r) => r.id));
      expect(await ids({ 'agent-name': reader.client_id.slice(0, 6).toUpperCase() })).toEqual(
        expect.arrayContaining(found.resources.map((r) => r.id)),
      );
      expect((await search({ 'agent-name:exact': reader.client_id })).total).toBe(6);
      expect((await search({ agent: `${reader.client_id},${writer.client_id}` })).total).toBe(6 + 2);
      expect((await search({ agent: "x' OR '1'='1" })).total).toBe(0);
    });

    it('outcome: 0, 4 and 8', async () => {
      const ok = await search({ agent: reader.client_id, outcome: '0' });
      expect(ok.resources.map((r) => r.outcome)).toEqual(['0', '0', '0']);
      const failed = await search({ agent: reader.client_id, outcome: '4' });
      expect(failed.total).toBe(3);
      expect(failed.resources.every((r) => r.outcome === '4')).toBe(true);
      expect((await search({ outcome: '8' })).total).toBe(0);
      expect((await search({ agent: reader.client_id, outcome: '0,4' })).total).toBe(6);
    });

    it('type: rest, User Authentication, Security Alert', async () => {
      const rest = await search({ type: 'http://terminology.hl7.org/CodeSystem/audit-event-type|rest' });
      expect(rest.total).toBe(5); // create, read, search, denied, missing
      expect(rest.resources.every((r) => (r.type as Json).code === 'rest')).toBe(true);
      const auth = await search({ type: `${DCM}|110114` });
      expect(auth.resources.every((r) => (r.type as Json).code === '110114')).toBe(true);
      expect(auth.resources.map((r) => (r.subtype as Json[]).at(-1)!.code).sort()).toEqual([
        'admin.login',
        'token',
        'token',
        'token',
      ]);
      const security = await search({ type: '110113' });
      expect(security.resources.map((r) => (r.subtype as Json[])[1].code)).toEqual(['client.create', 'client.create']);
    });

    it('subtype: the FHIR interaction, DICOM Login, or the action', async () => {
      expect((await search({ subtype: `${REST}|read` })).total).toBe(3); // read, denied, missing
      expect((await search({ subtype: 'search' })).total).toBe(1);
      expect((await search({ subtype: 'search-type' })).total).toBe(1);
      expect((await search({ subtype: `${REST}|create` })).total).toBe(1);
      expect((await search({ subtype: `${DCM}|110122` })).total).toBe(4); // three token requests and the admin sign-in
      expect((await search({ subtype: `${base}/CodeSystem/audit-action|client.create` })).total).toBe(2);
      expect((await search({ subtype: 'http://example.org|read' })).total).toBe(0);
    });

    it('entity and entity-type', async () => {
      const patient = await search({ entity: `Patient/${patientId}` });
      expect(patient.resources.map((r) => (r.subtype as Json[])[0].code)).toEqual(['read', 'create']);
      expect((await search({ entity: patientId })).total).toBe(2);
      expect((await search({ entity: `${base}/Patient/${patientId}` })).total).toBe(2);
      expect((await search({ 'entity:Patient': patientId })).total).toBe(2);
      expect((await search({ 'entity:Condition': patientId })).total).toBe(0);
      expect((await search({ 'entity-type': 'Patient' })).total).toBe(4); // create, read, search, missing
      expect((await search({ 'entity-type': 'http://hl7.org/fhir/resource-types|Condition' })).total).toBe(1);
    });

    it('date, with prefixes', async () => {
      const all = await search({});
      const before = await search({ date: `lt${middle.toISOString()}` });
      const after = await search({ date: `ge${middle.toISOString()}` });
      expect(before.total + after.total).toBe(all.total);
      expect(after.resources.map((r) => r.id).sort()).toEqual((await ids({ agent: reader.client_id })).sort());
      expect((await search({ date: `gt${middle.toISOString()}` })).total).toBe(after.total);
      expect((await search({ date: `le${middle.toISOString()}` })).total).toBe(before.total);
      expect(
        (await search({ date: [`ge${middle.toISOString()}`, `le${new Date(Date.now() + 60_000).toISOString()}`] }))
          .total,
      ).toBe(after.total);
      const today = middle.toISOString().slice(0, 10);
      expect((await search({ date: today })).total).toBe(all.total);
      expect((await search({ date: `eq${today}` })).total).toBe(all.total);
      expect((await search({ date: `ne${today}` })).total).toBe(0);
      expect((await search({ date: 'lt2000' })).total).toBe(0);
      const oneRead = byRequest(all.resources, 'read');
      expect(await ids({ date: `eq${oneRead.recorded}`, _id: oneRead.id })).toEqual([oneRead.id]);
    });

    it('_count and paging, newest first with a stable total', async () => {
      const all = await ids({});
      const pages: string[] = [];
      for (let offset = 0; offset < all.length; offset += 4) {
        const page = await search({}, { count: 4, offset });
        expect(page.total).toBe(all.length);
        pages.push(...page.resources.map((r) => r.id as string));
      }
      expect(pages).toEqual(all);
      expect((await search({ _count: '2' })).resources.map((r) => r.id)).toEqual(all.slice(0, 2));
      const countOnly = await search({ _count: '0' });
      expect(countOnly).toEqual({ total: all.length, resources: [] });
    });

    it('ignores unknown parameters', async () => {
      expect((await search({ foo: 'bar', _sort: 'date', patient: 'Patient/x' })).total).toBe((await search({})).total);
    });

    it('combines parameters', async () => {
      const found = await search({ agent: reader.client_id, subtype: 'read', outcome: '4', 'entity-type': 'Patient' });
      expect(found.total).toBe(1);
      expect(byRequest(found.resources, 'missing').outcome).toBe('4');
    });

    it('finds every event by its own type and subtype codes', async () => {
      for (const e of (await search({})).resources as Json[]) {
        const codings = [e.type, ...e.subtype];
        for (const c of codings)
          expect([
            c.code,
            await ids({ _id: e.id, [c === e.type ? 'type' : 'subtype']: `${c.system}|${c.code}` }),
          ]).toEqual([c.code, [e.id]]);
        expect(await ids({ _id: e.id, outcome: e.outcome })).toEqual([e.id]);
        const client = e.agent.find((a: Json) => a.who.identifier && a.type.coding[0].code === '110150');
        if (client) expect(await ids({ _id: e.id, agent: client.who.identifier.value })).toEqual([e.id]);
      }
    });

    it('refuses an invalid value with a 400', async () => {
      await expect(search({ date: 'yesterday' })).rejects.toMatchObject({ status: 400, code: 'audit_invalid_search' });
      await expect(search({ 'outcome:not': '0' })).rejects.toMatchObject({ status: 400 });
    });
  });
});

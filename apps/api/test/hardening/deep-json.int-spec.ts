import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

/** Nested `depth` arrays deep: `[[[…]]]`. */
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/**
 * A JSON body nested deeper than 100 levels is refused with 400 in the surface's own shape before anything recurses
 * over it (a body 10,000 deep used to overflow the stack in the JSON Patch clone and in class-transformer: 500).
 */
describe.each(databases())('deeply nested JSON bodies on %s', (db) => {
  let t: TestApp;
  let auth: string;
  let admin: string;
  let patientId: string;
  let clientId: string;

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    admin = `Bearer ${await t.adminToken()}`;
    patientId = (
      await t.http.post('/fhir/Patient').set('Authorization', auth).send({ resourceType: 'Patient' }).expect(201)
    ).body.id;
    clientId = (
      await t.http
        .post('/api/clients')
        .set('Authorization', admin)
        .send({ client_name: 'deep json', scope: 'system/Patient.r' })
        .expect(201)
    ).body.client_id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('PATCH /fhir/Patient/{id} with a JSON Patch 10,000 deep answers a 400 OperationOutcome and changes nothing', async () => {
    const body = `[{"op":"add","path":"/extension","value":${nested(10_000)}}]`;
    const res = await t.http
      .patch(`/fhir/Patient/${patientId}`)
      .set('Authorization', auth)
      .set('Content-Type', 'application/json-patch+json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].diagnostics).toMatch(/nested deeper than 100/);
    const after = await t.http.get(`/fhir/Patient/${patientId}`).set('Authorization', auth).expect(200);
    expect(after.body.meta.versionId).toBe('1');
  });

  it('POST /fhir/Patient with application/fhir+json 10,000 deep answers a 400 OperationOutcome', async () => {
    const res = await t.http
      .post('/fhir/Patient')
      .set('Authorization', auth)
      .set('Content-Type', 'application/fhir+json')
      .send(`{"resourceType":"Patient","extension":${nested(10_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
  });

  it('POST /api/clients 10,000 deep answers 400 problem details', async () => {
    const res = await t.http
      .post('/api/clients')
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send(`{"client_name":"x","scope":"system/Patient.r","jwks":${nested(10_000)}}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'json_too_deep' });
  });

  it('PATCH /api/clients/{id} 10,000 deep answers 400 problem details', async () => {
    const res = await t.http
      .patch(`/api/clients/${clientId}`)
      .set('Authorization', admin)
      .set('Content-Type', 'application/json')
      .send(`{"client_name":${nested(10_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'json_too_deep' });
  });

  it('POST /api/auth/login 10,000 deep answers 400 problem details', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"username":${nested(10_000)},"password":"x"}`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'json_too_deep' });
  });

  it('a JSON body under /auth nested too deep answers RFC 6749 invalid_request', async () => {
    const res = await t.http
      .post('/auth/token')
      .set('Content-Type', 'application/json')
      .send(`{"grant_type":${nested(10_000)}}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/nested/) });
  });

  /** A Patient whose extensions nest `levels` deep in all (resource object, then extension array/object pairs). */
  const patientNested = (levels: number) => {
    let ext: Record<string, unknown> = { url: 'urn:leaf', valueString: '[[[[[[[[[[{{{{{{{{{{'.repeat(50) };
    // The resource (1) + extension array (2) + leaf object (3); each wrap adds an object and an array.
    for (let depth = 3; depth + 2 <= levels; depth += 2) ext = { url: 'urn:x', extension: [ext] };
    return { resourceType: 'Patient', extension: [ext] };
  };

  it('a resource 31 levels deep (brackets inside its strings not counted) is stored on every database', async () => {
    await t.http.post('/fhir/Patient').set('Authorization', auth).send(patientNested(31)).expect(201);
  });

  it('a resource 33 to 99 levels deep is refused with a 400 OperationOutcome (MariaDB stores 31 at most)', async () => {
    for (const levels of [33, 99]) {
      const res = await t.http.post('/fhir/Patient').set('Authorization', auth).send(patientNested(levels));
      expect(res.status).toBe(400);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].diagnostics).toMatch(/nested deeper than 31/);
    }
  });

  it('a JSON body 100 levels deep passes the parser (under /api the validation then answers)', async () => {
    const res = await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"username":${nested(99)},"password":"x"}`);
    expect(res.status).toBe(400);
    expect(res.body.code).not.toBe('json_too_deep');
  });
});

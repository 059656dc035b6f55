import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

const LIMIT = 4096;

/** Bad input gets a 4xx OperationOutcome, never a 500, and changes nothing (issue 3 §Must show). */
describe.each(databases())('FHIR bad input on %s', (db) => {
  let t: TestApp;
  let auth: string;
  let existing = '';

  beforeAll(async () => {
    t = await createTestApp(db, { BODY_LIMIT_BYTES: String(LIMIT) });
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    existing = (
      await t.http
        .post('/fhir/Patient')
        .set('Authorization', auth)
        .send({ resourceType: 'Patient', gender: 'male' })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Everything stored, as one fingerprint: counts of the types touched and the existing patient's version. */
  const fingerprint = async () => {
    const count = async (type: string) =>
      (await t.http.get(`/fhir/${type}`).query({ _summary: 'count' }).set('Authorization', auth).expect(200)).body
        .total;
    const current = await t.http.get(`/fhir/Patient/${existing}`).set('Authorization', auth).expect(200);
    return {
      patients: await count('Patient'),
      observations: await count('Observation'),
      version: current.body.meta.versionId,
      gender: current.body.gender,
    };
  };

  const big = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'x'.repeat(LIMIT) }] });
  const CASES: [string, 'post' | 'put' | 'patch', () => string, string, string | undefined, number][] = [
    ['malformed JSON', 'post', () => '/fhir/Patient', '{"resourceType": "Patient",', 'application/fhir+json', 400],
    [
      'malformed JSON on update',
      'put',
      () => `/fhir/Patient/${existing}`,
      '{"resourceType": ',
      'application/fhir+json',
      400,
    ],
    [
      'malformed JSON in a transaction',
      'post',
      () => '/fhir',
      '{"resourceType":"Bundle","type":"transaction","entry":[',
      'application/fhir+json',
      400,
    ],
    ['malformed JSON Patch', 'patch', () => `/fhir/Patient/${existing}`, '[{"op":', 'application/json-patch+json', 400],
    ['a JSON null', 'post', () => '/fhir/Patient', 'null', 'application/fhir+json', 400],
    ['a JSON number', 'post', () => '/fhir/Patient', '42', 'application/fhir+json', 400],
    [
      'a prototype-poisoning body',
      'post',
      () => '/fhir/Patient',
      '{"resourceType":"Patient","__proto__":{"x":1}}',
      'application/fhir+json',
      400,
    ],
    [
      'a resourceType unlike the URL',
      'post',
      () => '/fhir/Patient',
      '{"resourceType":"Observation","status":"final","code":{"text":"x"}}',
      'application/fhir+json',
      400,
    ],
    [
      'a resourceType unlike the URL on update',
      'put',
      () => `/fhir/Patient/${existing}`,
      `{"resourceType":"Observation","id":"${existing}"}`,
      'application/fhir+json',
      400,
    ],
    ['a body over BODY_LIMIT_BYTES', 'post', () => '/fhir/Patient', big, 'application/fhir+json', 413],
    [
      'a body over BODY_LIMIT_BYTES on update',
      'put',
      () => `/fhir/Patient/${existing}`,
      big,
      'application/fhir+json',
      413,
    ],
    [
      'a transaction over BODY_LIMIT_BYTES',
      'post',
      () => '/fhir',
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: JSON.parse(big), request: { method: 'POST', url: 'Patient' } }],
      }),
      'application/fhir+json',
      413,
    ],
    [
      'a patch over BODY_LIMIT_BYTES',
      'patch',
      () => `/fhir/Patient/${existing}`,
      JSON.stringify([{ op: 'add', path: '/x', value: 'x'.repeat(LIMIT) }]),
      'application/json-patch+json',
      413,
    ],
    ['text/plain', 'post', () => '/fhir/Patient', '{"resourceType":"Patient"}', 'text/plain', 415],
    ['XML', 'post', () => '/fhir/Patient', '<Patient xmlns="http://hl7.org/fhir"/>', 'application/fhir+xml', 415],
    ['no content type', 'post', () => '/fhir/Patient', '{"resourceType":"Patient"}', undefined, 415],
    [
      'a form',
      'put',
      () => `/fhir/Patient/${existing}`,
      'resourceType=Patient',
      'application/x-www-form-urlencoded',
      415,
    ],
    [
      'a resource as a patch',
      'patch',
      () => `/fhir/Patient/${existing}`,
      '{"resourceType":"Patient"}',
      'application/fhir+json',
      415,
    ],
    ['a patch as a transaction', 'post', () => '/fhir', '[]', 'application/json-patch+json', 415],
    [
      'deep nesting',
      'post',
      () => '/fhir/Patient',
      `{"resourceType":"Patient","extension":${'[{"extension":'.repeat(120)}[]${'}]'.repeat(120)}}`,
      'application/fhir+json',
      // 240 levels: over the body parser's bound of 100 (common/http/json-depth.ts), refused before validation.
      400,
    ],
  ];

  it.each(CASES)(
    '%s: answers %s … with an OperationOutcome and changes nothing',
    async (_what, method, path, body, type, status) => {
      const before = await fingerprint();
      const req = t.http[method](path()).set('Authorization', auth);
      if (type) req.set('Content-Type', type);
      const res = await req.send(body);
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].severity).toBe('error');
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
      expect(await fingerprint()).toEqual(before);
    },
  );
});

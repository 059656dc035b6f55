import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';

/**
 * Fastify's and Node's own refusals (bad URL, over-long parameter, oversized headers, no such method) answer in the
 * surface's own shape: an OperationOutcome under /fhir, RFC 6749 `{error, error_description}` under /auth, problem
 * details under /api.
 */
describe.each(databases())('framework errors in the surface shape on %s', (db) => {
  let t: TestApp;
  let auth: string;

  beforeAll(async () => {
    t = await createTestApp(db);
    auth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
  });

  afterAll(async () => {
    await t?.close();
  });

  const expectOutcome = (res: { status: number; headers: Record<string, string>; body: unknown }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
  };
  const expectOAuth = (res: { status: number; body: unknown }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  };
  const expectProblem = (res: { status: number; headers: Record<string, string>; body: unknown }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  };

  describe('an over-long path parameter (FST_ERR_MAX_PARAM_LENGTH, 414)', () => {
    it('under /fhir: an OperationOutcome', async () => {
      expectOutcome(await t.http.get(`/fhir/Patient/${'a'.repeat(200)}`).set('Authorization', auth), 414);
    });
    it('a long type under /fhir: an OperationOutcome', async () => {
      expectOutcome(await t.http.get(`/fhir/${'A'.repeat(200)}/1`).set('Authorization', auth), 414);
    });
    it('under /api: problem details', async () => {
      expectProblem(await t.http.get(`/api/clients/${'a'.repeat(200)}`), 414);
    });
  });

  describe('a malformed URL (FST_ERR_BAD_URL, 400)', () => {
    it('under /fhir: an OperationOutcome', async () => {
      expectOutcome(await t.http.get('/fhir/Patient/abc%FF').set('Authorization', auth), 400);
    });
    it('under /api: problem details', async () => {
      expectProblem(await t.http.get('/api/clients/abc%FF'), 400);
    });
  });

  describe('oversized headers (Node HPE_HEADER_OVERFLOW, 431)', () => {
    it('a 100 KB Authorization header under /fhir: an OperationOutcome', async () => {
      expectOutcome(await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${'a'.repeat(100_000)}`), 431);
    });
    it('a 16 KB URL under /fhir: an OperationOutcome', async () => {
      expectOutcome(await t.http.get(`/fhir/Patient?name=${'a'.repeat(16_384)}`).set('Authorization', auth), 431);
    });
    it('a 100 KB header under /auth: invalid_request', async () => {
      expectOAuth(await t.http.post('/auth/token').set('X-Filler', 'a'.repeat(100_000)).type('form').send({}), 431);
    });
    it('a 16 KB URL under /api: problem details', async () => {
      expectProblem(await t.http.get(`/api/clients?q=${'a'.repeat(16_384)}`), 431);
    });
  });

  describe('an existing path with a method it does not serve: 405 with Allow', () => {
    it('GET /auth/token: RFC 6749 invalid_request, Allow: POST', async () => {
      const res = await t.http.get('/auth/token');
      expectOAuth(res, 405);
      expect(res.headers.allow).toBe('POST');
    });
    it('POST /fhir/Patient/{id}: an OperationOutcome, Allow lists the instance interactions', async () => {
      const res = await t.http.post('/fhir/Patient/123').set('Authorization', auth).send({ resourceType: 'Patient' });
      expectOutcome(res, 405);
      expect(res.headers.allow).toBe('GET, HEAD, PUT, PATCH, DELETE');
      expect(res.body.issue[0].code).toBe('not-supported');
    });
    it('DELETE /api/auth/login: problem details, Allow: POST', async () => {
      const res = await t.http.delete('/api/auth/login');
      expectProblem(res, 405);
      expect(res.headers.allow).toBe('POST');
    });
    it('a path that does not exist at all is still 404', async () => {
      expectProblem(await t.http.get('/api/no-such-thing'), 404);
      expectOAuth(await t.http.get('/auth/no-such-thing'), 404);
    });
  });
});

import fc from 'fast-check';
import { basic, createClient, createTestApp, RegisteredClient, TestApp } from '../support/test-app';

// Each run is a real request through the app; 100 of them keep the suite to a few seconds.
fc.configureGlobal({ numRuns: 100 });

/**
 * Any form the token endpoint is sent, in any content type, is answered with an RFC 6749 §5.2 error
 * (`{error, error_description}`, 4xx) or an RFC 6749 §5.1 token (200): never a 5xx, never a stack trace.
 * The form is parsed before the database is touched, so SQLite is enough here.
 */
describe('the token endpoint on any form (properties)', () => {
  let t: TestApp;
  let client: RegisteredClient;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    client = await createClient(t, 'system/*.read');
  });

  afterAll(async () => {
    await t?.close();
  });

  const PARAMS = [
    'grant_type',
    'client_id',
    'client_secret',
    'scope',
    'code',
    'redirect_uri',
    'code_verifier',
    'refresh_token',
    'client_assertion',
    'client_assertion_type',
    'audience',
    'resource',
  ];
  const odd = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({
      unit: fc.constantFrom('%', '&', '=', '+', ' ', 'é', '\u0000', '😀', '[', ']', '.', 'a'),
      maxLength: 20,
    }),
    fc.constant(''),
  );
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PARAMS) }, odd, fc.constantFrom('__proto__', 'a[b]'));
  const value = () =>
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'client_credentials',
          'authorization_code',
          'refresh_token',
          'password',
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          'system/*.read',
          'system/Patient.rs',
          'system/*.*',
          'patient/*.read bogus',
          client.client_id,
          client.client_secret,
        ),
      },
      { weight: 2, arbitrary: odd },
      { weight: 1, arbitrary: fc.constantFrom(10_000, 70_000).map((n) => 'x'.repeat(n)) },
    );

  /** A body: well-encoded pairs (duplicates allowed), or raw text with broken percent-escapes and separators. */
  const body = () =>
    fc.oneof(
      fc
        .array(fc.tuple(key, value()), { maxLength: 6 })
        .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
      fc.array(fc.tuple(key, value()), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
      // a good grant with arbitrary (possibly duplicate or conflicting) parameters around it
      fc
        .array(fc.tuple(key, value()), { maxLength: 3 })
        .map(
          (pairs) =>
            'grant_type=client_credentials&' +
            pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
        ),
      fc.constantFrom(
        '%',
        '%zz=1',
        'grant_type=%E0%A4%A',
        '&&&',
        '===',
        'grant_type',
        'grant_type=client_credentials%',
      ),
      fc.json(),
    );
  const contentType = fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=utf-8',
    'application/x-www-form-urlencoded; charset=latin1',
    'application/x-www-form-urlencoded; charset=nonsense',
    'application/json',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/octet-stream',
    ';;;',
    'x/y; a="',
  );
  const authorization = () =>
    fc.option(
      fc.oneof(
        fc.constant(basic(client.client_id, client.client_secret)),
        fc.constant(basic(client.client_id, 'wrong')),
        fc.constantFrom('Basic', 'Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Bearer x'),
        odd.map((s) => 'Basic ' + Buffer.from(s).toString('base64')),
      ),
    );

  /** Anything at all, or (a third of the time) a form-encoded request from the real client that may well succeed. */
  const request = () =>
    fc.oneof(
      { weight: 2, arbitrary: fc.tuple(body(), contentType, authorization()) },
      {
        weight: 1,
        arbitrary: fc.tuple(
          fc
            .array(fc.tuple(key, value()), { maxLength: 2 })
            .map((pairs) =>
              [
                'grant_type=client_credentials',
                ...pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
              ].join('&'),
            ),
          fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8'),
          fc.constant(basic(client.client_id, client.client_secret)),
        ),
      },
    );

  it('answers 200 with a token or 4xx with {error, error_description}, never a 5xx or a stack trace', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(request(), async ([form, type, auth]) => {
        let req = t.http.post('/auth/token').set('Content-Type', type);
        // Header values cannot carry every character; a client that tries is refused before sending.
        if (auth !== null && /^[\t\x20-\x7e]*$/.test(auth)) req = req.set('Authorization', auth);
        // A string is sent as it is (superagent serialises only objects), whatever the content type claims.
        const res = await req.send(form);
        seen.add(res.status);
        expect(res.status).toBeLessThan(500);
        expect(res.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        if (res.status === 200) {
          expect(res.body).toMatchObject({
            access_token: expect.any(String),
            token_type: 'Bearer',
            expires_in: expect.any(Number),
            scope: expect.any(String),
          });
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
          expect(res.body.error).toMatch(/^[a-z_]+$/);
          expect(typeof res.body.error_description).toBe('string');
        }
      }),
    );
    // The runs reached both outcomes, so the property was not only ever exercising the refusals.
    expect(seen.has(200)).toBe(true);
    expect([...seen].some((s) => s >= 400)).toBe(true);
  });

  it('a well-formed client_credentials form among arbitrary extra parameters still gets a token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.string({ maxLength: 20 })), { maxLength: 4 }),
        async (extra) => {
          const pairs = [['grant_type', 'client_credentials'], ...extra, ['scope', 'system/Patient.rs']];
          const res = await t.http
            .post('/auth/token')
            .set('Authorization', basic(client.client_id, client.client_secret))
            .set('Content-Type', 'application/x-www-form-urlencoded')
            .send(pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'system/Patient.rs' });
        },
      ),
      { numRuns: 30 },
    );
  });
});

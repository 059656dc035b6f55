import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, startBuiltApi, type StartedApi } from './support/built-api';

interface BundleEntry {
  resource: { resourceType: string };
  search?: { mode?: string };
}

interface FhirResource {
  resourceType: string;
  type?: string;
  entry?: BundleEntry[];
  rest?: { security?: { extension?: { url: string }[] } }[];
}

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

interface DemoClient {
  client_id: string;
  client_secret: string;
}

const demoClients: DemoClient[] = JSON.parse(
  readFileSync(path.join(repoRoot, 'apps/api/src/demo/ccri-demo-clients.json'), 'utf8'),
).clients;
const patientAccess = demoClients.find((client) => client.client_id === 'patient-access') as DemoClient;

// RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined by a colon and base64-encoded.
const basicCredentials = Buffer.from(
  `${encodeURIComponent(patientAccess.client_id)}:${encodeURIComponent(patientAccess.client_secret)}`,
).toString('base64');

describe('the built API, started as `npm start` starts it (demo mode, embedded SQLite)', () => {
  let api: StartedApi;
  let accessToken: string | undefined;

  const get = (pathname: string, headers: Record<string, string> = {}) =>
    fetch(`${api.baseUrl}${pathname}`, { headers, signal: AbortSignal.timeout(15_000) });

  // The built API starts in demo mode (two demo passwords hashed, the demo data seeded): give it time on a busy machine.
  beforeAll(async () => {
    api = await startBuiltApi();
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('serves the CapabilityStatement at /fhir/metadata without a token, advertising SMART', async () => {
    const res = await get('/fhir/metadata');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const statement = await json<FhirResource>(res);
    expect(statement.resourceType).toBe('CapabilityStatement');
    // SMART App Launch §Conformance: the security section names the OAuth endpoints in the oauth-uris extension.
    const oauthUris = statement.rest?.[0]?.security?.extension?.find((ext) => ext.url.endsWith('oauth-uris'));
    expect(oauthUris).toBeDefined();
  });

  it('serves the Swagger UI at /api/docs', async () => {
    const res = await get('/api/docs');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toMatch(/swagger-ui/i);
  });

  it('documents the token endpoint in the OpenAPI document at /api/docs-json', async () => {
    const res = await get('/api/docs-json');

    expect(res.status).toBe(200);
    const document = await json<{ paths?: Record<string, unknown> }>(res);
    expect(Object.keys(document.paths ?? {})).toContain('/auth/token');
  });

  it('serves the dashboard and its scripts at /admin/', async () => {
    const res = await get('/admin/');

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const script = /<script[^>]*type="module"[^>]*src="([^"]+)"/i.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await get(new URL(script as string, `${api.baseUrl}/admin/`).pathname);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses /fhir/Patient without a token with 401 and an OperationOutcome', async () => {
    const res = await get('/fhir/Patient');

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await json<FhirResource>(res)).resourceType).toBe('OperationOutcome');
  });

  it('issues a token to the demo client patient-access (client_credentials, HTTP Basic)', async () => {
    const res = await fetch(`${api.baseUrl}/auth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basicCredentials}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      signal: AbortSignal.timeout(15_000),
    });

    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = await json<TokenResponse>(res);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    expect(body.scope.split(' ')).toContain('patient/Patient.read');
    expect(typeof body.access_token).toBe('string');
    accessToken = body.access_token;
  });

  it('reads /fhir/Patient with that token', async () => {
    expect(accessToken).toBeDefined();
    const res = await get('/fhir/Patient', { authorization: `Bearer ${accessToken}` });

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/fhir+json');
    const bundle = await json<FhirResource>(res);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    // A searchset may carry an OperationOutcome entry (search.mode "outcome"); every match must be a Patient.
    const matches = (bundle.entry ?? []).filter((entry) => entry.search?.mode !== 'outcome');
    expect(matches.length).toBeGreaterThan(0);
    expect(new Set(matches.map((entry) => entry.resource.resourceType))).toEqual(new Set(['Patient']));
  });

  it('writes neither the client secret nor the access token to its output', async () => {
    expect(accessToken).toBeDefined();
    await api.stop();
    const output = api.output();

    // Booleans, not the output itself: a failing assertion must not print the secret either.
    expect({
      clientSecret: output.includes(patientAccess.client_secret),
      basicHeader: output.includes(basicCredentials),
      accessToken: output.includes(accessToken as string),
    }).toEqual({ clientSecret: false, basicHeader: false, accessToken: false });
  });
});

import { randomUUID, createHmac } from 'node:crypto';
import { createLocalJWKSet, exportSPKI, generateKeyPair, jwtVerify, SignJWT, decodeJwt, importJWK } from 'jose';
import { KeysService } from '../../src/auth/keys/keys.service';
import demo from '../../src/demo/ccri-demo-clients.json';
import { basic, createClient, createTestApp, databases, getToken, TestApp } from '../support/test-app';

const patientAccess = demo.clients.find((c) => c.client_id === 'patient-access')!;
const pcm = demo.clients.find((c) => c.name === 'Patient, Condition & Medication Access')!;
const limited = demo.clients.find((c) => c.name === 'Limited Access')!;

describe.each(databases())('the CCRI secure journey on %s', (db) => {
  let t: TestApp;
  /** request id → the audit outcome that request must leave (checked once, at the end). */
  const expectedAudit = new Map<string, string>();
  const rid = (outcome: 'success' | 'denied' | 'error') => {
    const id = randomUUID();
    expectedAudit.set(id, outcome);
    return id;
  };
  const token = (
    client: { client_id: string; client_secret: string },
    outcome: 'success' | 'denied' | 'error' = 'success',
  ) =>
    t.http
      .post('/auth/token')
      .set('X-Request-Id', rid(outcome))
      .set('Authorization', basic(client.client_id, client.client_secret))
      .type('form');
  const fhir = (path: string, accessToken: string | null, outcome: 'success' | 'denied' | 'error') => {
    const r = t.http.get(path).set('X-Request-Id', rid(outcome));
    return accessToken === null ? r : r.set('Authorization', `Bearer ${accessToken}`);
  };

  beforeAll(async () => {
    t = await createTestApp(db, { DEMO_MODE: 'true' });
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('the Postman quickstart', () => {
    it('gives patient-access an RS256 JWT that verifies against /auth/jwks', async () => {
      const res = await token(patientAccess).send({ grant_type: 'client_credentials' }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      expect(res.body.token_type).toBe('Bearer');
      expect(res.body.expires_in).toBeGreaterThanOrEqual(3590);
      expect(res.body.expires_in).toBeLessThanOrEqual(3600);
      const allowed = patientAccess.scope.split(' ');
      for (const s of res.body.scope.split(' ')) expect(allowed).toContain(s);

      const jwks = (await t.http.get('/auth/jwks').expect(200)).body;
      const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks), {
        issuer: t.config.publicUrl,
        audience: `${t.config.publicUrl}/fhir`,
      });
      expect(protectedHeader.alg).toBe('RS256');
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
      expect(payload).toMatchObject({ sub: 'patient-access', client_id: 'patient-access', scope: res.body.scope });
      expect(typeof payload.jti).toBe('string');
      expect(payload.exp! - payload.iat!).toBe(res.body.expires_in);
      // The JWKS publishes public keys only.
      for (const k of jwks.keys) expect(k.d).toBeUndefined();
    });

    it('then reads /fhir/Patient as a searchset Bundle, and is refused /fhir/Condition', async () => {
      const access = (await token(patientAccess).send({ grant_type: 'client_credentials' }).expect(200)).body
        .access_token;
      const bundle = await fhir('/fhir/Patient', access, 'success').expect(200);
      expect(bundle.headers['content-type']).toMatch(/^application\/fhir\+json/);
      expect(bundle.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      expect(bundle.body.total).toBeGreaterThan(0);

      const refused = await fhir('/fhir/Condition', access, 'denied').expect(403);
      expect(refused.body.resourceType).toBe('OperationOutcome');
      expect(refused.body.issue[0].code).toBe('forbidden');
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer .*error="insufficient_scope"/);
    });

    it('accepts client_secret_post too', async () => {
      const res = await t.http
        .post('/auth/token')
        .set('X-Request-Id', rid('success'))
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_id: patientAccess.client_id,
          client_secret: patientAccess.client_secret,
          scope: 'patient/Patient.read',
        })
        .expect(200);
      expect(res.body.scope).toBe('patient/Patient.read');
    });
  });

  describe('the demo clients get what their scopes say', () => {
    it('Patient, Condition & Medication Access reads all three', async () => {
      const access = (await token(pcm).send({ grant_type: 'client_credentials' }).expect(200)).body.access_token;
      for (const type of ['Patient', 'Condition', 'MedicationStatement', 'MedicationRequest', 'Medication']) {
        const res = await fhir(`/fhir/${type}`, access, 'success').expect(200);
        expect(res.body.resourceType).toBe('Bundle');
      }
    });

    it('Limited Access reads metadata and Organization but not Patient', async () => {
      const access = (await token(limited).send({ grant_type: 'client_credentials' }).expect(200)).body.access_token;
      expect(decodeJwt(access).scope).toBe('profile');
      const metadata = await fhir('/fhir/metadata', null, 'success').expect(200);
      expect(metadata.body.resourceType).toBe('CapabilityStatement');
      const orgs = await fhir('/fhir/Organization', access, 'success').expect(200);
      expect(orgs.body.resourceType).toBe('Bundle');
      const patients = await fhir('/fhir/Patient', access, 'denied').expect(403);
      expect(patients.body.resourceType).toBe('OperationOutcome');
    });
  });

  describe('refused tokens get 401 with WWW-Authenticate: Bearer', () => {
    let good: string;
    beforeAll(async () => {
      good = (await token(patientAccess).send({ grant_type: 'client_credentials' }).expect(200)).body.access_token;
    });

    const expect401 = async (accessToken: string | null, reason: RegExp) => {
      const res = await fhir('/fhir/Patient', accessToken, 'denied').expect(401);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].code).toBe('login');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(res.body.issue[0].diagnostics).toMatch(reason);
    };
    const parts = (jwt: string) => jwt.split('.');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

    it('no token', async () => {
      await expect401(null, /access token is required/);
    });

    it('garbage', async () => {
      await expect401('not-a-jwt', /not a valid JWT/);
    });

    it('expired', async () => {
      const keys = t.app.get(KeysService);
      const now = Math.floor(Date.now() / 1000);
      const { token: expired } = await keys.sign(
        {
          iss: t.config.publicUrl,
          aud: `${t.config.publicUrl}/fhir`,
          sub: 'patient-access',
          client_id: 'patient-access',
          scope: 'patient/Patient.read',
          jti: randomUUID(),
          iat: now - 7200,
          exp: now - 3600,
        },
        'at+jwt',
      );
      await expect401(expired, /expired/);
    });

    it('signed by another key under our kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const header = JSON.parse(Buffer.from(parts(good)[0], 'base64url').toString());
      const forged = await new SignJWT(decodeJwt(good))
        .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: 'at+jwt' })
        .sign(privateKey);
      await expect401(forged, /signature/);
    });

    it('signed by another key with its own kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const forged = await new SignJWT(decodeJwt(good))
        .setProtectedHeader({ alg: 'RS256', kid: 'attacker', typ: 'at+jwt', jku: 'https://attacker.example/jwks' })
        .sign(privateKey);
      await expect401(forged, /not signed by a key of this server/);
    });

    it('alg: none', async () => {
      const [, payload] = parts(good);
      await expect401(`${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, /(not accepted|not a valid JWT)/);
    });

    it('HS256 signed with our public key', async () => {
      const jwks = (await t.http.get('/auth/jwks').expect(200)).body;
      const pem = await exportSPKI(
        (await importJWK(jwks.keys[0], 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0],
      );
      const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: jwks.keys[0].kid });
      const body = parts(good)[1];
      const sig = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
      await expect401(`${head}.${body}.${sig}`, /not accepted/);
    });

    it('tampered payload', async () => {
      const [head, , sig] = parts(good);
      const claims = { ...decodeJwt(good), scope: 'system/*.*' };
      await expect401(`${head}.${b64(claims)}.${sig}`, /signature/);
    });

    it('the valid token still works', async () => {
      await fhir('/fhir/Patient', good, 'success').expect(200);
    });
  });

  describe('token endpoint errors (RFC 6749 §5.2)', () => {
    it('wrong secret: 401 invalid_client with WWW-Authenticate: Basic', async () => {
      const res = await token({ client_id: patientAccess.client_id, client_secret: 'wrong' }, 'denied')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('unknown client: the same answer', async () => {
      const res = await token({ client_id: 'nobody', client_secret: 'x' }, 'denied')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('no client authentication: 401 invalid_client', async () => {
      const res = await t.http
        .post('/auth/token')
        .set('X-Request-Id', rid('denied'))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('unknown grant: 400 unsupported_grant_type', async () => {
      const res = await token(patientAccess, 'error').send({ grant_type: 'urn:example:magic' }).expect(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    });

    it('no grant_type: 400 invalid_request', async () => {
      const res = await token(patientAccess, 'error').send({ scope: 'profile' }).expect(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('a scope the client lacks: 400 invalid_scope', async () => {
      const res = await token(patientAccess, 'denied')
        .send({ grant_type: 'client_credentials', scope: 'patient/Condition.read' })
        .expect(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('a malformed scope: 400 invalid_scope', async () => {
      const res = await token(patientAccess, 'denied')
        .send({ grant_type: 'client_credentials', scope: "patient/Patient.read' OR 1=1 --" })
        .expect(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('two authentication methods at once: 400 invalid_request', async () => {
      const res = await token(patientAccess, 'error')
        .send({
          grant_type: 'client_credentials',
          client_id: patientAccess.client_id,
          client_secret: patientAccess.client_secret,
        })
        .expect(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('a JSON body: 400 invalid_request', async () => {
      const res = await t.http
        .post('/auth/token')
        .set('X-Request-Id', rid('error'))
        .set('Authorization', basic(patientAccess.client_id, patientAccess.client_secret))
        .send({ grant_type: 'client_credentials' })
        .expect(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('a client not allowed the grant: 400 unauthorized_client', async () => {
      const client = await createClient(t, 'system/Patient.read', {
        grant_types: ['authorization_code'],
        redirect_uris: ['https://app.example.org/callback'],
      });
      const res = await token(client, 'denied').send({ grant_type: 'client_credentials' }).expect(400);
      expect(res.body.error).toBe('unauthorized_client');
    });
  });

  describe('administration takes effect at once', () => {
    it('disabling a client makes its live tokens fail, and its secret too', async () => {
      const admin = await t.adminToken();
      const client = await createClient(t, 'system/Patient.read');
      const access = await getToken(t, client);
      await fhir('/fhir/Patient', access, 'success').expect(200);
      await t.http
        .patch(`/api/clients/${client.client_id}`)
        .set('Authorization', `Bearer ${admin}`)
        .send({ enabled: false })
        .expect(200);
      const refused = await fhir('/fhir/Patient', access, 'denied').expect(401);
      expect(refused.body.issue[0].diagnostics).toMatch(/disabled/);
      const res = await token(client, 'denied').send({ grant_type: 'client_credentials' }).expect(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('rotating the secret makes the old one fail', async () => {
      const admin = await t.adminToken();
      const client = await createClient(t, 'system/Patient.read');
      const rotated = await t.http
        .post(`/api/clients/${client.client_id}/secret`)
        .set('Authorization', `Bearer ${admin}`)
        .expect(200);
      expect(rotated.body.client_secret).not.toBe(client.client_secret);
      await token(client, 'denied').send({ grant_type: 'client_credentials' }).expect(401);
      await token({ client_id: client.client_id, client_secret: rotated.body.client_secret })
        .send({ grant_type: 'client_credentials' })
        .expect(200);
    });

    it('deleting a client makes its tokens fail', async () => {
      const admin = await t.adminToken();
      const client = await createClient(t, 'system/Patient.read');
      const access = await getToken(t, client);
      await t.http.delete(`/api/clients/${client.client_id}`).set('Authorization', `Bearer ${admin}`).expect(204);
      await fhir('/fhir/Patient', access, 'denied').expect(401);
    });

    it('a single-active-token client loses its earlier token when it gets a new one', async () => {
      const client = await createClient(t, 'system/Patient.read', { single_active_token: true });
      const first = await getToken(t, client);
      await fhir('/fhir/Patient', first, 'success').expect(200);
      const second = await getToken(t, client);
      await fhir('/fhir/Patient', first, 'denied').expect(401);
      await fhir('/fhir/Patient', second, 'success').expect(200);
    });
  });

  it('leaves exactly one audit record per request, with the right outcome', async () => {
    const admin = await t.adminToken();
    const res = await t.http.get('/api/audit?limit=1000').set('Authorization', `Bearer ${admin}`).expect(200);
    const byRequest = new Map<string, { outcome: string }[]>();
    for (const r of res.body.items as { request_id: string; outcome: string }[]) {
      byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r]);
    }
    expect(expectedAudit.size).toBeGreaterThan(30);
    for (const [id, outcome] of expectedAudit) {
      const records = byRequest.get(id) ?? [];
      expect({ id, count: records.length, outcome: records[0]?.outcome }).toEqual({ id, count: 1, outcome });
    }
  });
});

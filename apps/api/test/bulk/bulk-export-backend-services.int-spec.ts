import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTestApp, databases, TestApp, tokenFor } from '../support/test-app';
import { download, exportDir, Manifest, poll } from './bulk-support';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * SMART Backend Services (SMART App Launch 2.2 §Backend Services) end to end: a registered client with a key pair
 * gets a token with a signed assertion (private_key_jwt), kicks off a system export, polls as the status answers
 * tell it, downloads every file and finds the manifest's counts in the NDJSON.
 */
describe.each(databases())('Bulk Data export for a SMART Backend Services client on %s', (db) => {
  let t: TestApp;
  let files: ReturnType<typeof exportDir>;
  const seeded: Record<string, number> = { Patient: 0, Condition: 0, Observation: 0 };

  beforeAll(async () => {
    files = exportDir();
    t = await createTestApp(db, {
      BULK_EXPORT_DIR: files.dir,
      BULK_EXPORT_RETRY_AFTER_SECONDS: '1',
      // Small files, so a type spans several.
      BULK_EXPORT_FILE_MAX_BYTES: '4096',
    });
    const writer = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    const entry: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      const patient = `urn:uuid:${randomUUID()}`;
      entry.push({
        fullUrl: patient,
        resource: { resourceType: 'Patient', name: [{ family: `Backend${i}` }], birthDate: '1980-01-01' },
        request: { method: 'POST', url: 'Patient' },
      });
      entry.push({
        resource: { resourceType: 'Condition', subject: { reference: patient }, code: { text: `condition ${i}` } },
        request: { method: 'POST', url: 'Condition' },
      });
      entry.push({
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'bp' },
          subject: { reference: patient },
        },
        request: { method: 'POST', url: 'Observation' },
      });
      seeded.Patient++;
      seeded.Condition++;
      seeded.Observation++;
    }
    await t.http
      .post('/fhir')
      .set('Authorization', writer)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Bundle', type: 'transaction', entry })
      .expect(200);
  });

  afterAll(async () => {
    await t.close();
    files.remove();
  });

  it('private_key_jwt token → kick-off → poll honouring Retry-After → every file downloaded, counts as in the manifest', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS384');
    const created = await t.http
      .post('/api/clients')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .send({
        client_name: 'population health backend',
        scope: 'system/Patient.rs system/Condition.rs system/Observation.rs',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'backend-1', alg: 'RS384', use: 'sig' }] },
      })
      .expect(201);
    const clientId = created.body.client_id as string;
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({
      iss: clientId,
      sub: clientId,
      aud: `${t.config.publicUrl}/auth/token`,
      jti: randomUUID(),
    })
      .setProtectedHeader({ alg: 'RS384', kid: 'backend-1', typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(privateKey);
    const token = await t.http
      .post('/auth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        scope: 'system/Patient.rs system/Condition.rs system/Observation.rs',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      })
      .expect(200);
    const auth = `Bearer ${token.body.access_token as string}`;

    const kick = await t.http
      .get('/fhir/$export')
      .set('Authorization', auth)
      .set('Accept', 'application/fhir+json')
      .set('Prefer', 'respond-async')
      .expect(202);
    // poll() waits Retry-After between polls; a 429 would end it with that status.
    const done = await poll(t.http, kick.headers['content-location'], auth);
    expect(done.status).toBe(200);
    const manifest = done.body as Manifest;
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    const counted: Record<string, number> = {};
    for (const out of manifest.output) {
      const lines = await download(t.http, out.url, auth);
      expect(lines).toHaveLength(out.count);
      for (const resource of lines) expect(resource.resourceType).toBe(out.type);
      counted[out.type] = (counted[out.type] ?? 0) + lines.length;
    }
    expect(counted).toEqual(seeded);
    // Split at BULK_EXPORT_FILE_MAX_BYTES: more files than types.
    expect(manifest.output.length).toBeGreaterThan(3);
  });
});

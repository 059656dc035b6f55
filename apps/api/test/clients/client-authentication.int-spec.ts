import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ClientsService } from '../../src/clients/clients.service';
import { basic, createTestApp, databases, TestApp } from '../support/test-app';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const REDIRECT = 'https://app.example.org/callback';

/** Gets past client authentication: the grant itself answers (unsupported until a code grant exists, then invalid_grant). */
const GRANT_ERRORS = ['invalid_grant', 'unsupported_grant_type'];

describe.each(databases())('client authentication at the token endpoint (RFC 6749 §2.3) on %s', (db) => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp(db);
    admin = `Bearer ${await t.adminToken()}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (body: object) =>
    (
      await t.http
        .post('/api/clients')
        .set('Authorization', admin)
        .send({ client_name: 'app', scope: 'patient/Patient.read system/Patient.read', ...body })
        .expect(201)
    ).body as { client_id: string; client_secret?: string };
  const token = (form: Record<string, string>, authorization?: string) => {
    const req = t.http.post('/auth/token').type('form');
    if (authorization) req.set('Authorization', authorization);
    return req.send(form);
  };
  const assertion = (clientId: string, key: CryptoKey, alg: string, kid: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: clientId, sub: clientId, aud: `${t.config.publicUrl}/auth/token`, jti: randomUUID() })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuedAt(now)
      .setExpirationTime(now + 240)
      .sign(key);
  };

  describe('a public client (token_endpoint_auth_method none)', () => {
    let publicId: string;
    beforeAll(async () => {
      const created = await create({
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      expect(created.client_secret).toBeUndefined();
      publicId = created.client_id;
    });

    it.each([
      ['authorization_code', { code: 'bogus', redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) }],
      ['refresh_token', { refresh_token: 'bogus' }],
    ])('authenticates by client_id alone for %s: the grant answers, not client authentication', async (grant, rest) => {
      const res = await token({ grant_type: grant, client_id: publicId, ...rest });
      expect(res.status).toBe(400);
      expect(GRANT_ERRORS).toContain(res.body.error);
    });

    it('is refused for client_credentials: 401 invalid_client', async () => {
      const res = await token({ grant_type: 'client_credentials', client_id: publicId }).expect(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    });

    it('is refused once disabled', async () => {
      const other = await create({
        grant_types: ['authorization_code'],
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      await t.http
        .patch(`/api/clients/${other.client_id}`)
        .set('Authorization', admin)
        .send({ enabled: false })
        .expect(200);
      const res = await token({ grant_type: 'authorization_code', client_id: other.client_id, code: 'x' }).expect(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('does not let a confidential client skip its secret by sending only client_id', async () => {
      const confidential = await create({ grant_types: ['authorization_code'], redirect_uris: [REDIRECT] });
      const res = await token({ grant_type: 'authorization_code', client_id: confidential.client_id, code: 'x' });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it('does not accept an unknown client_id', async () => {
      const res = await token({ grant_type: 'authorization_code', client_id: randomUUID(), code: 'x' }).expect(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });

  describe('one method per request, and the registered one', () => {
    it('refuses Basic with a body client_id naming another client: 400 invalid_request', async () => {
      const a = await create({});
      const b = await create({});
      const res = await token(
        { grant_type: 'client_credentials', client_id: b.client_id },
        basic(a.client_id, a.client_secret!),
      ).expect(400);
      expect(res.body.error).toBe('invalid_request');
      // The same client_id beside Basic is fine.
      await token(
        { grant_type: 'client_credentials', client_id: a.client_id },
        basic(a.client_id, a.client_secret!),
      ).expect(200);
    });

    it('refuses Basic together with a client assertion: 400 invalid_request', async () => {
      const a = await create({});
      const res = await token(
        { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: 'x.y.z' },
        basic(a.client_id, a.client_secret!),
      ).expect(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('refuses Basic together with client_secret in the body: 400 invalid_request', async () => {
      const a = await create({});
      const res = await token(
        { grant_type: 'client_credentials', client_id: a.client_id, client_secret: a.client_secret! },
        basic(a.client_id, a.client_secret!),
      ).expect(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('refuses Basic for a client registered with client_secret_post: 401 invalid_client', async () => {
      const post = await create({ token_endpoint_auth_method: 'client_secret_post' });
      const refused = await token({ grant_type: 'client_credentials' }, basic(post.client_id, post.client_secret!));
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      await token({
        grant_type: 'client_credentials',
        client_id: post.client_id,
        client_secret: post.client_secret!,
      }).expect(200);
    });

    it('refuses the body for a client registered with client_secret_basic: 401 invalid_client (RFC 6749 §2.3)', async () => {
      const viaBasic = await create({ token_endpoint_auth_method: 'client_secret_basic' });
      const refused = await token({
        grant_type: 'client_credentials',
        client_id: viaBasic.client_id,
        client_secret: viaBasic.client_secret!,
      });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      await token({ grant_type: 'client_credentials' }, basic(viaBasic.client_id, viaBasic.client_secret!)).expect(200);
    });

    it("never takes a private_key_jwt client's secret (a seeded one) in place of its assertion", async () => {
      const { publicKey } = await generateKeyPair('ES384');
      const clientId = `pkjwt-${randomUUID()}`;
      const secret = 'a-seeded-secret-that-must-not-authenticate-0123456789';
      await t.app.get(ClientsService).upsertSeed({
        client_id: clientId,
        client_secret: secret,
        client_name: 'seeded',
        scope: 'system/Patient.read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1' }] },
      });
      for (const res of [
        await token({ grant_type: 'client_credentials' }, basic(clientId, secret)),
        await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      }
    });
  });

  describe('token_endpoint_auth_signing_alg', () => {
    it('accepts only assertions with the registered alg (an ES256 client signing RS256 is refused)', async () => {
      const rsa = await generateKeyPair('RS256');
      const ec = await generateKeyPair('ES256');
      const keys = [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', use: 'sig' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', use: 'sig' },
      ];
      const client = await create({
        scope: 'system/Patient.read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys },
        token_endpoint_auth_signing_alg: 'ES256',
      });
      const form = async (key: CryptoKey, alg: string, kid: string) => ({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(client.client_id, key, alg, kid),
      });
      const refused = await token(await form(rsa.privateKey, 'RS256', 'rsa')).expect(401);
      expect(refused.body.error).toBe('invalid_client');
      const ok = await token(await form(ec.privateKey, 'ES256', 'ec')).expect(200);
      expect(ok.body.token_type).toBe('Bearer');

      // Without a registered alg, the same RS256 assertion is accepted: the registration is what refused it.
      await t.http
        .patch(`/api/clients/${client.client_id}`)
        .set('Authorization', admin)
        .send({ token_endpoint_auth_signing_alg: null })
        .expect(200);
      await token(await form(rsa.privateKey, 'RS256', 'rsa')).expect(200);
    });
  });
});

import { createHmac, randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { KeysService } from '../../src/auth/keys/keys.service';
import {
  basic,
  createClient,
  createTestApp,
  databases,
  getToken,
  RegisteredClient,
  TestApp,
} from '../support/test-app';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface KeyClient {
  client_id: string;
  privateKey: CryptoKey;
  kid: string;
  alg: string;
}

describe.each(databases())('the authorization server on %s', (db) => {
  let t: TestApp;
  let jwksServer: Server;
  let jwksServerKeys: JWK[] = [];
  let jwksHost: string;

  beforeAll(async () => {
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: jwksServerKeys }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    jwksHost = `127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    t = await createTestApp(db, { JWKS_URI_ALLOWED_HOSTS: jwksHost });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise((r) => jwksServer.close(r));
  });

  const admin = async () => `Bearer ${await t.adminToken()}`;
  const tokenEndpoint = () => `${t.config.publicUrl}/auth/token`;

  async function keyClient(alg = 'RS384', extra: Record<string, unknown> = {}): Promise<KeyClient> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const res = await t.http
      .post('/api/clients')
      .set('Authorization', await admin())
      .send({
        client_name: 'backend service',
        scope: 'system/Patient.read system/Condition.read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
        ...extra,
      })
      .expect(201);
    expect(res.body.client_secret).toBeUndefined();
    return { client_id: res.body.client_id, privateKey, kid, alg };
  }

  function assertion(
    c: KeyClient,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: c.client_id,
      sub: c.client_id,
      aud: tokenEndpoint(),
      jti: randomUUID(),
      exp: now + 240,
      ...claims,
    })
      .setProtectedHeader({ alg: c.alg, kid: c.kid, typ: 'JWT', ...header })
      .sign(c.privateKey);
  }

  const backendToken = (form: Record<string, string>) => t.http.post('/auth/token').type('form').send(form);

  describe('discovery', () => {
    it('publishes RFC 8414 metadata and the SMART configuration, consistent with /fhir/metadata', async () => {
      const as = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      expect(as.headers['access-control-allow-origin']).toBe('*');
      expect(as.body).toMatchObject({
        issuer: t.config.publicUrl,
        token_endpoint: tokenEndpoint(),
        jwks_uri: `${t.config.publicUrl}/auth/jwks`,
        revocation_endpoint: `${t.config.publicUrl}/auth/revoke`,
        introspection_endpoint: `${t.config.publicUrl}/auth/introspect`,
        authorization_endpoint: `${t.config.publicUrl}/auth/authorize`,
        grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
      expect(as.body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']),
      );
      expect(as.body.token_endpoint_auth_signing_alg_values_supported).toEqual(
        expect.arrayContaining(['RS384', 'ES384']),
      );
      expect(as.body.scopes_supported).toEqual(expect.arrayContaining(['system/Patient.read', 'profile']));

      for (const path of ['/fhir/.well-known/smart-configuration', '/.well-known/smart-configuration']) {
        const smart = await t.http.get(path).expect(200);
        expect(smart.headers['access-control-allow-origin']).toBe('*');
        expect(smart.body).toMatchObject({
          issuer: as.body.issuer,
          token_endpoint: as.body.token_endpoint,
          jwks_uri: as.body.jwks_uri,
          code_challenge_methods_supported: ['S256'],
        });
        expect(smart.body.capabilities).toEqual(
          expect.arrayContaining(['client-confidential-asymmetric', 'permission-v2']),
        );
        expect(Array.isArray(smart.body.response_types_supported)).toBe(true);
      }

      const metadata = await t.http.get('/fhir/metadata').expect(200);
      const uris = metadata.body.rest[0].security.extension.find((e: { url: string }) => e.url.endsWith('/oauth-uris'));
      const byName = Object.fromEntries(
        uris.extension.map((e: { url: string; valueUri: string }) => [e.url, e.valueUri]),
      );
      expect(byName.token).toBe(as.body.token_endpoint);
      expect(byName.revoke).toBe(as.body.revocation_endpoint);
      expect(byName.introspect).toBe(as.body.introspection_endpoint);
      expect(byName.authorize).toBe(as.body.authorization_endpoint);
    });
  });

  describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
    let client: RegisteredClient;
    let other: RegisteredClient;
    beforeAll(async () => {
      client = await createClient(t, 'system/Patient.read');
      other = await createClient(t, 'system/Patient.read');
    });
    const introspect = (c: RegisteredClient, token: string) =>
      t.http
        .post('/auth/introspect')
        .set('Authorization', basic(c.client_id, c.client_secret))
        .type('form')
        .send({ token });
    const revoke = (c: RegisteredClient, token: string) =>
      t.http
        .post('/auth/revoke')
        .set('Authorization', basic(c.client_id, c.client_secret))
        .type('form')
        .send({ token });

    it('describes a live token to the client it was issued to', async () => {
      const token = await getToken(t, client);
      const res = await introspect(client, token).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({
        active: true,
        client_id: client.client_id,
        scope: 'system/Patient.read',
        token_type: 'Bearer',
        exp: decodeJwt(token).exp,
      });
    });

    it("names each token by a jti that starts with its issue time (neighbouring rows in the token table's index)", async () => {
      const before = Date.now();
      const jtis = [await getToken(t, client), await getToken(t, client)].map((x) => decodeJwt(x).jti!);
      expect(new Set(jtis).size).toBe(2);
      for (const jti of jtis) {
        expect(jti).toMatch(/^[A-Za-z0-9_-]{24}$/);
        const issuedMs = Buffer.from(jti, 'base64url').readUIntBE(0, 6);
        expect(issuedMs).toBeGreaterThanOrEqual(before);
        expect(issuedMs).toBeLessThanOrEqual(Date.now());
      }
    });

    it('answers active:false for a foreign, forged or garbage token', async () => {
      const token = await getToken(t, client);
      expect((await introspect(other, token).expect(200)).body).toEqual({ active: false });
      const [h, p] = token.split('.');
      expect((await introspect(client, `${h}.${p}.${'A'.repeat(342)}`).expect(200)).body).toEqual({ active: false });
      expect((await introspect(client, 'garbage').expect(200)).body).toEqual({ active: false });
    });

    it('requires client authentication', async () => {
      const res = await t.http.post('/auth/introspect').type('form').send({ token: 'x' }).expect(401);
      expect(res.body.error).toBe('invalid_client');
      await t.http.post('/auth/revoke').type('form').send({ token: 'x' }).expect(401);
    });

    it('revokes a token: FHIR refuses it and introspection calls it inactive', async () => {
      const token = await getToken(t, client);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
      await revoke(client, token).expect(200);
      const refused = await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(401);
      expect(refused.body.issue[0].diagnostics).toMatch(/revoked/);
      expect((await introspect(client, token).expect(200)).body).toEqual({ active: false });
      const audit = await t.http
        .get(`/api/audit?client_id=${client.client_id}&type=fhir&outcome=denied`)
        .set('Authorization', await admin())
        .expect(200);
      expect(audit.body.items[0]).toMatchObject({ status: 401, reason: 'revoked', client_id: client.client_id });
    });

    it("refuses to revoke another client's token, and ignores garbage", async () => {
      const token = await getToken(t, client);
      const res = await revoke(other, token).expect(400);
      expect(res.body.error).toBe('unauthorized_client');
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
      await revoke(client, 'not-a-token').expect(200);
    });
  });

  describe('tokens and keys under administration', () => {
    it('lists live tokens per client and revokes one or all', async () => {
      const client = await createClient(t, 'system/Patient.read');
      const [a, b, c] = [await getToken(t, client), await getToken(t, client), await getToken(t, client)];
      const listed = await t.http
        .get(`/api/tokens?client_id=${client.client_id}`)
        .set('Authorization', await admin())
        .expect(200);
      expect(listed.body.total).toBe(3);
      expect(listed.body.items.map((x: { jti: string }) => x.jti).sort()).toEqual(
        [a, b, c].map((x) => decodeJwt(x).jti).sort(),
      );
      await t.http
        .delete(`/api/tokens/${decodeJwt(a).jti}`)
        .set('Authorization', await admin())
        .expect(204);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${a}`).expect(401);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${b}`).expect(200);
      const all = await t.http
        .delete(`/api/clients/${client.client_id}/tokens`)
        .set('Authorization', await admin())
        .expect(200);
      expect(all.body).toEqual({ revoked: 2 });
      for (const x of [b, c]) await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${x}`).expect(401);
      expect(
        (
          await t.http
            .get(`/api/tokens?client_id=${client.client_id}`)
            .set('Authorization', await admin())
            .expect(200)
        ).body.total,
      ).toBe(0);
      await t.http
        .delete('/api/tokens/unknown-jti')
        .set('Authorization', await admin())
        .expect(404);
    });

    it('rotates the signing key: old tokens keep working, new ones carry the new kid', async () => {
      const client = await createClient(t, 'system/Patient.read');
      const before = await getToken(t, client);
      const oldKid = decodeProtectedHeader(before).kid;
      const rotated = await t.http
        .post('/api/keys/rotate')
        .set('Authorization', await admin())
        .expect(200);
      expect(rotated.body.kid).not.toBe(oldKid);
      const after = await getToken(t, client);
      expect(decodeProtectedHeader(after).kid).toBe(rotated.body.kid);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${before}`).expect(200);
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${after}`).expect(200);
      const kids = (await t.http.get('/auth/jwks').expect(200)).body.keys.map((k: { kid: string }) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([oldKid, rotated.body.kid]));
      const keys = (
        await t.http
          .get('/api/keys')
          .set('Authorization', await admin())
          .expect(200)
      ).body;
      const old = keys.find((k: { kid: string }) => k.kid === oldKid);
      expect(old.status).toBe('retired');
      expect(new Date(old.remove_after).getTime() - Date.now()).toBeGreaterThan(86_000 * 1000);
    });
  });

  describe('SMART Backend Services (private_key_jwt), as Inferno checks it', () => {
    it('issues a token for a valid RS384 assertion', async () => {
      const c = await keyClient('RS384');
      const res = await backendToken({
        grant_type: 'client_credentials',
        scope: 'system/Patient.read',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'system/Patient.read' });
      expect(typeof res.body.access_token).toBe('string');
      expect(typeof res.body.expires_in).toBe('number');
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${res.body.access_token}`).expect(200);
    });

    it('issues a token for ES384, and accepts the issuer as audience', async () => {
      const c = await keyClient('ES384');
      await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c, { aud: t.config.publicUrl }),
      }).expect(200);
    });

    it('fetches keys from an allowed jwks_uri', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS384');
      const kid = randomUUID();
      jwksServerKeys = [{ ...(await exportJWK(publicKey)), kid, alg: 'RS384' }];
      const res = await t.http
        .post('/api/clients')
        .set('Authorization', await admin())
        .send({
          client_name: 'remote keys',
          scope: 'system/Patient.read',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: `http://${jwksHost}/jwks.json`,
        })
        .expect(201);
      const c = { client_id: res.body.client_id, privateKey, kid, alg: 'RS384' };
      await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(200);
    });

    it('refuses a jwks_uri on a host that is not allowed', async () => {
      const { privateKey } = await generateKeyPair('RS384');
      const res = await t.http
        .post('/api/clients')
        .set('Authorization', await admin())
        .send({
          client_name: 'elsewhere',
          scope: 'system/Patient.read',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks_uri: 'http://127.0.0.2:9/jwks.json',
        })
        .expect(201);
      const c = { client_id: res.body.client_id, privateKey, kid: 'k', alg: 'RS384' };
      const refused = await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(401);
      expect(refused.body.error_description).toMatch(/allow-list/);
    });

    it('wrong grant_type: 400', async () => {
      const c = await keyClient();
      const res = await backendToken({
        grant_type: 'password',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    });

    const refusals: [string, (c: KeyClient) => Promise<Record<string, string>>, RegExp][] = [
      [
        'a wrong client_assertion_type',
        async (c) => ({
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
          client_assertion: await assertion(c),
        }),
        /client_assertion_type/,
      ],
      [
        'a bad signature',
        async (c) => {
          const jwt = await assertion(c);
          return {
            client_assertion_type: ASSERTION_TYPE,
            client_assertion: jwt.slice(0, -8) + (jwt.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA'),
          };
        },
        /signature/,
      ],
      [
        'an assertion for another audience',
        async (c) => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(c, { aud: 'https://other.example/token' }),
        }),
        /audience/,
      ],
      [
        'an expired assertion',
        async (c) => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(c, { exp: Math.floor(Date.now() / 1000) - 120 }),
        }),
        /expired/,
      ],
      [
        'an assertion valid for more than 5 minutes',
        async (c) => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(c, { exp: Math.floor(Date.now() / 1000) + 3600 }),
        }),
        /5 minutes/,
      ],
      [
        'iss different from sub',
        async (c) => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(c, { iss: 'someone-else' }),
        }),
        /iss and sub/,
      ],
      [
        'a key of its own with a jku header',
        async (c) => {
          const attacker = await generateKeyPair(c.alg);
          const jwt = await assertion(
            { ...c, privateKey: attacker.privateKey },
            {},
            { jku: 'https://attacker.example/jwks.json' },
          );
          return { client_assertion_type: ASSERTION_TYPE, client_assertion: jwt };
        },
        /signature/,
      ],
      [
        'a kid pointing elsewhere',
        async (c) => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion(c, {}, { kid: 'https://attacker.example/key' }),
        }),
        /signature/,
      ],
      [
        'HS256 signed with the public key (alg confusion)',
        async (c) => {
          const head = Buffer.from(JSON.stringify({ alg: 'HS256', kid: c.kid })).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          const body = Buffer.from(
            JSON.stringify({
              iss: c.client_id,
              sub: c.client_id,
              aud: tokenEndpoint(),
              jti: randomUUID(),
              exp: now + 60,
            }),
          ).toString('base64url');
          const sig = createHmac('sha256', JSON.stringify(c)).update(`${head}.${body}`).digest('base64url');
          return { client_assertion_type: ASSERTION_TYPE, client_assertion: `${head}.${body}.${sig}` };
        },
        /algorithm|signature/,
      ],
    ];

    it.each(refusals)('refuses %s with 401 invalid_client', async (_name, build, message) => {
      const c = await keyClient();
      const res = await backendToken({ grant_type: 'client_credentials', ...(await build(c)) }).expect(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body.error_description).toMatch(message);
    });

    it('refuses a replayed assertion', async () => {
      const c = await keyClient();
      const jwt = await assertion(c);
      await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: jwt,
      }).expect(200);
      const res = await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: jwt,
      }).expect(401);
      expect(res.body.error_description).toMatch(/used before/);
    });

    it('narrows a wider system/ request to what the client is allowed, and refuses one with nothing allowed', async () => {
      const c = await keyClient();
      const narrowed = await backendToken({
        grant_type: 'client_credentials',
        scope: 'system/*.cruds',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(200);
      expect(narrowed.body.scope.split(' ').sort()).toEqual(['system/Condition.rs', 'system/Patient.rs']);
      const res = await backendToken({
        grant_type: 'client_credentials',
        scope: 'system/Observation.read',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c),
      }).expect(400);
      expect(res.body.error).toBe('invalid_scope');
    });

    it('audits each refusal with its reason', async () => {
      const c = await keyClient();
      await backendToken({
        grant_type: 'client_credentials',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion(c, { aud: 'https://other.example' }),
      }).expect(401);
      const audit = await t.http
        .get(`/api/audit?client_id=${c.client_id}`)
        .set('Authorization', await admin())
        .expect(200);
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          category: 'token',
          outcome: 'denied',
          status: 401,
          reason: 'assertion_wrong_audience',
        }),
      ]);
    });
  });

  describe('attacks on access tokens', () => {
    it('refuses a token of ours for another audience', async () => {
      const keys = t.app.get(KeysService);
      const now = Math.floor(Date.now() / 1000);
      const { token } = await keys.sign(
        {
          iss: t.config.publicUrl,
          aud: 'https://other.example/fhir',
          sub: 'x',
          client_id: 'x',
          scope: 'system/*.*',
          jti: randomUUID(),
          iat: now,
          exp: now + 60,
        },
        'at+jwt',
      );
      const res = await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(401);
      expect(res.body.issue[0].diagnostics).toMatch(/audience/);
    });

    it.each([
      ['v1', 'patient/Patient.read', 'patient/*.*'],
      ['v2', 'patient/Patient.rs', 'patient/Patient.cruds system/Patient.r'],
      ['mixed', 'user/Patient.read', 'user/Patient.cud user/Condition.rs'],
    ])('refuses %s scope escalation', async (_v, allowed, requested) => {
      const client = await createClient(t, allowed);
      const res = await t.http
        .post('/auth/token')
        .set('Authorization', basic(client.client_id, client.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials', scope: requested });
      if (res.status === 200) {
        for (const s of res.body.scope.split(' ')) expect(allowed).toContain(s.split('.')[0]);
        expect(res.body.scope).not.toMatch(/system|Condition|\.cud|\.c/);
      } else {
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_scope');
      }
    });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ID_TOKEN_SIGNING_ALG, KeysService } from '../../src/auth/keys/keys.service';
import { IdTokenService } from '../../src/auth/tokens/id-token.service';
import { SIGNING_ALGS } from '../../src/config/app-config';
import { basic, createClient, createTestApp, databases, getToken, TestApp } from '../support/test-app';

const SCOPE = 'system/Patient.read';

async function jwksOf(t: TestApp): Promise<JSONWebKeySet & { keys: { kid: string; alg: string; use: string }[] }> {
  return (await t.http.get('/auth/jwks').expect(200)).body;
}

async function keysOf(t: TestApp): Promise<{ kid: string; alg: string; status: string; signs: string[] }[]> {
  return (
    await t.http
      .get('/api/keys')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200)
  ).body;
}

describe.each(databases())('ACCESS_TOKEN_SIGNING_ALG on %s', (db) => {
  describe.each([...SIGNING_ALGS])('set to %s', (alg) => {
    let t: TestApp;
    let client: { client_id: string; client_secret: string };
    let token: string;

    beforeAll(async () => {
      t = await createTestApp(db, { ACCESS_TOKEN_SIGNING_ALG: alg });
      client = await createClient(t, SCOPE);
      token = await getToken(t, client);
    });
    afterAll(async () => {
      await t?.close();
    });

    const introspect = (candidate: string) =>
      t.http
        .post('/auth/introspect')
        .set('Authorization', basic(client.client_id, client.client_secret))
        .type('form')
        .send({ token: candidate })
        .expect(200);

    it(`issues ${alg} access tokens that verify with jose against the published JWKS, and are accepted`, async () => {
      const jwks = await jwksOf(t);
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
        algorithms: [alg],
        issuer: t.config.publicUrl,
        audience: `${t.config.publicUrl}/fhir`,
        typ: 'at+jwt',
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload.client_id).toBe(client.client_id);
      expect(jwks.keys.find((k) => k.kid === protectedHeader.kid)).toMatchObject({ alg, use: 'sig' });
      await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
      expect((await introspect(token)).body).toMatchObject({ active: true, client_id: client.client_id });
      // userinfo takes the same verifier: a client_credentials token has no person, so 403, not 401.
      expect((await t.http.get('/auth/userinfo').set('Authorization', `Bearer ${token}`)).status).not.toBe(401);
    });

    it('signs id_tokens with RS256, as discovery says, verifiable against the same JWKS', async () => {
      const discovery = (await t.http.get('/.well-known/openid-configuration').expect(200)).body;
      expect(discovery.id_token_signing_alg_values_supported).toEqual([ID_TOKEN_SIGNING_ALG]);
      const idToken = await t.app.get(IdTokenService).sign({
        clientId: client.client_id,
        userId: 'someone',
        authTime: Math.floor(Date.now() / 1000),
        accessToken: token,
        ttlSeconds: 300,
      });
      const { protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(await jwksOf(t)), {
        algorithms: ['RS256'],
        issuer: t.config.publicUrl,
        audience: client.client_id,
      });
      expect(protectedHeader.alg).toBe('RS256');
    });

    it('lists each key with its algorithm and what it signs', async () => {
      const active = (await keysOf(t)).filter((k) => k.status === 'active');
      if (alg === 'RS256') {
        expect(active).toEqual([expect.objectContaining({ alg, signs: ['access_tokens', 'id_tokens'] })]);
      } else {
        expect(active).toHaveLength(2);
        expect(active).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ alg, signs: ['access_tokens'] }),
            expect.objectContaining({ alg: 'RS256', signs: ['id_tokens'] }),
          ]),
        );
      }
    });

    if (alg !== 'RS256') {
      it('refuses an access token signed with RS256 (not the configured algorithm) even by its own id_token key', async () => {
        // The same claims, jti included, signed by the server's own active RS256 key: only the algorithm differs.
        const { token: other } = await t.app.get(KeysService).sign(decodeJwt(token), 'at+jwt', 'RS256');
        expect(decodeProtectedHeader(other).alg).toBe('RS256');
        const fhir = await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${other}`).expect(401);
        expect(fhir.body.issue[0].diagnostics).toMatch(/Algorithm RS256 is not accepted/);
        expect((await introspect(other)).body).toEqual({ active: false });
        // Revocation answers 200 for a token it cannot verify (RFC 7009 §2.2) and revokes nothing: had it taken the
        // RS256 token's jti, the configured-algorithm token with that jti would now be refused.
        await t.http
          .post('/auth/revoke')
          .set('Authorization', basic(client.client_id, client.client_secret))
          .type('form')
          .send({ token: other })
          .expect(200);
        await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
        expect((await introspect(token)).body.active).toBe(true);
      });
    }

    it("refuses a token whose header names another algorithm than its key's", async () => {
      const [head, body, signature] = token.split('.');
      const other = SIGNING_ALGS.find((a) => a !== alg)!;
      const header = { ...JSON.parse(Buffer.from(head, 'base64url').toString()), alg: other };
      const relabelled = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${body}.${signature}`;
      const fhir = await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${relabelled}`).expect(401);
      expect(fhir.body.issue[0].diagnostics).toMatch(/is not accepted/);
      expect((await introspect(relabelled)).body).toEqual({ active: false });
    });

    it('rotation publishes the old and the new keys; tokens of both verify', async () => {
      const before = await jwksOf(t);
      const oldKid = decodeProtectedHeader(token).kid;
      const rotated = await t.http
        .post('/api/keys/rotate')
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .expect(200);
      const after = await jwksOf(t);
      const kids = after.keys.map((k) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([...before.keys.map((k) => k.kid), rotated.body.kid]));
      expect(after.keys.filter((k) => k.alg === alg).length).toBe(2);
      const fresh = await getToken(t, client);
      expect(decodeProtectedHeader(fresh)).toMatchObject({ alg, kid: rotated.body.kid });
      for (const candidate of [token, fresh]) {
        await jwtVerify(candidate, createLocalJWKSet(after), { algorithms: [alg] });
        await t.http.get('/fhir/Patient').set('Authorization', `Bearer ${candidate}`).expect(200);
      }
      expect(oldKid).not.toBe(rotated.body.kid);
    });
  });

  describe('changed from RS256 to ES256 on the same database', () => {
    let dir: string | undefined;
    let before: TestApp | undefined;
    let after: TestApp | undefined;

    afterAll(async () => {
      await after?.close();
      // MariaDB: the first instance made (and on close drops) the database the second shares, so it closes last.
      if (db !== 'sqlite') await before?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps verifying the RS256 tokens issued before until their key leaves the JWKS; issues ES256', async () => {
      let databaseUrl: string | undefined;
      if (db === 'sqlite') {
        dir = mkdtempSync(join(tmpdir(), 'ccri-alg-'));
        databaseUrl = `sqlite:${join(dir, 'keys.sqlite')}`;
      }
      before = await createTestApp(db, {}, databaseUrl ? { databaseUrl } : undefined);
      const client = await createClient(before, SCOPE);
      const old = await getToken(before, client);
      const oldKid = decodeProtectedHeader(old).kid;
      if (db === 'sqlite') await before.close();
      after = await createTestApp(db, { ACCESS_TOKEN_SIGNING_ALG: 'ES256' }, { databaseUrl: before.databaseUrl });

      const keys = await keysOf(after);
      expect(keys.find((k) => k.kid === oldKid)).toMatchObject({ alg: 'RS256', status: 'retired', signs: [] });
      const jwks = await jwksOf(after);
      expect(jwks.keys.map((k) => k.kid)).toContain(oldKid);
      await after.http.get('/fhir/Patient').set('Authorization', `Bearer ${old}`).expect(200);

      const fresh = await getToken(after, client);
      expect(decodeProtectedHeader(fresh).alg).toBe('ES256');
      await jwtVerify(fresh, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
      // The RS256 key that now signs id_tokens is a new one, not the retired access-token key.
      const idKey = keys.find((k) => k.signs.includes('id_tokens'));
      expect(idKey).toMatchObject({ alg: 'RS256', status: 'active' });
      expect(idKey!.kid).not.toBe(oldKid);
    });
  });
});

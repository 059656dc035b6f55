import { UsersService } from '../../src/users/users.service';
import { getRepositoryToken } from '@nestjs/typeorm';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Repository } from 'typeorm';
import { AuthorizationCodeEntity } from '../../src/auth/authorize/authorization-code.entity';
import { atHash } from '../../src/auth/tokens/id-token.service';
import { TokenStoreService } from '../../src/auth/tokens/token-store.service';
import { EndUserEntity } from '../../src/users/end-user.entity';
import { createClient, createTestApp, databases, RegisteredClient, TestApp, basic } from '../support/test-app';
import { createPerson, exchange, issueCode, personClient, tokenRequest } from './person-fixtures';

const APP_SCOPE =
  'openid fhirUser profile email launch/patient offline_access online_access user/*.read patient/*.read';

describe.each(databases())('authorization_code and refresh_token grants on %s', (db) => {
  let t: TestApp;
  let app: RegisteredClient;

  beforeAll(async () => {
    t = await createTestApp(db);
    app = await personClient(t, APP_SCOPE);
  });

  afterAll(async () => {
    await t?.close();
  });

  const fhirStatus = async (accessToken: string) =>
    (await t.http.get('/fhir/Observation').set('Authorization', `Bearer ${accessToken}`)).status;

  describe('authorization_code (RFC 6749 §4.1.3, RFC 7636)', () => {
    it('exchanges a code for the SMART token response, an id_token and a refresh token', async () => {
      const userId = await createPerson(t, 'Practitioner/dr-1', { displayName: 'Dr Ada Jones' });
      const authTime = new Date(Date.now() - 30_000);
      const f = await issueCode(t, {
        clientId: app.client_id,
        userId,
        scope: 'openid fhirUser profile launch/patient offline_access user/*.read',
        patient: 'pat-9',
        nonce: 'n-0S6_WzA2Mj',
        authTime,
      });
      const res = await exchange(t, app, f).expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual(
        [
          'access_token',
          'token_type',
          'expires_in',
          'scope',
          'patient',
          'need_patient_banner',
          'smart_style_url',
          'id_token',
          'refresh_token',
        ].sort(),
      );
      expect(res.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'openid fhirUser profile launch/patient offline_access user/*.read',
        patient: 'pat-9',
        need_patient_banner: true,
        smart_style_url: `${t.config.publicUrl}/auth/smart-style.json`,
      });
      expect(res.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({
        iss: t.config.publicUrl,
        aud: `${t.config.publicUrl}/fhir`,
        sub: userId,
        client_id: app.client_id,
        patient: 'pat-9',
        fhirUser: `${t.config.publicUrl}/fhir/Practitioner/dr-1`,
      });
      expect(await fhirStatus(res.body.access_token)).toBe(200);

      // OpenID Connect Core §3.1.3.7: the id_token verifies against our JWKS with the client as audience.
      const jwks = createLocalJWKSet((await t.http.get('/auth/jwks').expect(200)).body);
      const { payload, protectedHeader } = await jwtVerify(res.body.id_token, jwks, {
        issuer: t.config.publicUrl,
        audience: app.client_id,
        algorithms: ['RS256'],
      });
      expect(protectedHeader.kid).toEqual(expect.any(String));
      expect(payload).toMatchObject({
        sub: userId,
        nonce: 'n-0S6_WzA2Mj',
        auth_time: Math.floor(authTime.getTime() / 1000),
        fhirUser: `${t.config.publicUrl}/fhir/Practitioner/dr-1`,
        name: 'Dr Ada Jones',
        at_hash: atHash(res.body.access_token),
      });
      expect(payload.exp! - payload.iat!).toBe(3600);
    });

    it('answers only what was granted: no id_token without openid, no refresh token without offline/online_access', async () => {
      const f = await issueCode(t, { clientId: app.client_id, scope: 'user/*.read' });
      const res = await exchange(t, app, f).expect(200);
      expect(res.body.id_token).toBeUndefined();
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.patient).toBeUndefined();
      expect(res.body.need_patient_banner).toBeUndefined();
      expect(decodeJwt(res.body.access_token).fhirUser).toBeUndefined();
    });

    it.each([
      ['a missing code_verifier', { code_verifier: undefined }],
      ['a blank code_verifier', { code_verifier: '' }],
      ['a wrong code_verifier', { code_verifier: 'x'.repeat(43) }],
      ['the challenge as verifier (plain)', { code_verifier: 'CHALLENGE' }],
      ['a different redirect_uri', { redirect_uri: 'https://app.example/other' }],
      ['no redirect_uri', { redirect_uri: undefined }],
      ['an unknown code', { code: 'not-a-code' }],
    ])('refuses %s with invalid_grant', async (_label, override: Record<string, string | undefined>) => {
      const f = await issueCode(t, { clientId: app.client_id, scope: 'user/*.read' });
      if (override.code_verifier === 'CHALLENGE') override.code_verifier = f.challenge;
      const res = await exchange(t, app, f, override).expect(400);
      expect(res.body.error).toBe('invalid_grant');
      // The code is spent by the failed attempt: the right verifier no longer works either.
      if (!override.code) expect((await exchange(t, app, f).expect(400)).body.error).toBe('invalid_grant');
    });

    it("refuses another client's code, and an expired code, with invalid_grant", async () => {
      const other = await personClient(t, APP_SCOPE);
      const f = await issueCode(t, { clientId: app.client_id, scope: 'user/*.read' });
      expect((await exchange(t, other, f).expect(400)).body.error).toBe('invalid_grant');

      const g = await issueCode(t, { clientId: app.client_id, scope: 'user/*.read' });
      await t.app
        .get<Repository<AuthorizationCodeEntity>>(getRepositoryToken(AuthorizationCodeEntity))
        .createQueryBuilder()
        .update()
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where('grant_id = :g', { g: g.grantId })
        .execute();
      expect((await exchange(t, app, g).expect(400)).body.error).toBe('invalid_grant');
    });

    it('refuses a client not allowed the grant with unauthorized_client', async () => {
      const backend = await createClient(t, APP_SCOPE);
      const f = await issueCode(t, { clientId: backend.client_id, scope: 'user/*.read' });
      expect((await exchange(t, backend, f).expect(400)).body.error).toBe('unauthorized_client');
    });

    it('a reused code is invalid_grant and revokes the tokens the first exchange issued (RFC 6749 §4.1.2)', async () => {
      const f = await issueCode(t, { clientId: app.client_id, scope: 'openid offline_access user/*.read' });
      const first = await exchange(t, app, f).expect(200);
      expect(await fhirStatus(first.body.access_token)).toBe(200);
      expect((await exchange(t, app, f).expect(400)).body.error).toBe('invalid_grant');
      expect(await fhirStatus(first.body.access_token)).toBe(401);
      const audit = await t.http
        .get(`/api/audit?client_id=${app.client_id}&type=token`)
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .expect(200);
      // The exchange that issued tokens names the person it acted for, beside the client.
      const person = await t.app.get(UsersService).findById(f.userId);
      expect(audit.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ status: 400, reason: 'code_reused' }),
          expect.objectContaining({
            status: 200,
            outcome: 'success',
            actor: person!.username,
            client_id: app.client_id,
          }),
        ]),
      );
      const refresh = await tokenRequest(t, app, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
      });
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe('invalid_grant');
    });
  });

  describe('refresh_token (RFC 6749 §6, RFC 9700 §4.14)', () => {
    const refresh = (client: RegisteredClient, token: string, scope?: string) =>
      tokenRequest(t, client, { grant_type: 'refresh_token', refresh_token: token, ...(scope ? { scope } : {}) });

    async function start(scope = 'openid fhirUser offline_access user/*.read', patient: string | null = null) {
      const f = await issueCode(t, { clientId: app.client_id, scope, patient, fhirUser: 'Practitioner/dr-2' });
      return { f, tokens: (await exchange(t, app, f).expect(200)).body };
    }

    it('rotates the refresh token on every use and keeps the context', async () => {
      const { tokens } = await start('openid fhirUser offline_access user/*.read', 'pat-3');
      const next = await refresh(app, tokens.refresh_token).expect(200);
      expect(next.headers['cache-control']).toBe('no-store');
      expect(next.body).toMatchObject({
        token_type: 'Bearer',
        scope: 'openid fhirUser offline_access user/*.read',
        patient: 'pat-3',
        need_patient_banner: true,
      });
      expect(next.body.refresh_token).not.toBe(tokens.refresh_token);
      expect(next.body.access_token).not.toBe(tokens.access_token);
      expect(decodeJwt(next.body.id_token).aud).toBe(app.client_id);
      expect(await fhirStatus(next.body.access_token)).toBe(200);
      const third = await refresh(app, next.body.refresh_token).expect(200);
      expect(third.body.refresh_token).not.toBe(next.body.refresh_token);
    });

    it('a rotated refresh token used again revokes the whole grant: the newest refresh and access tokens too', async () => {
      const { tokens } = await start();
      const next = await refresh(app, tokens.refresh_token).expect(200);
      const reuse = await refresh(app, tokens.refresh_token).expect(400);
      expect(reuse.body.error).toBe('invalid_grant');
      expect(await fhirStatus(next.body.access_token)).toBe(401);
      expect(await fhirStatus(tokens.access_token)).toBe(401);
      expect((await refresh(app, next.body.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    });

    it('may narrow the scope, never widen it', async () => {
      const { tokens } = await start();
      const wider = await refresh(app, tokens.refresh_token, 'openid user/*.read user/*.write').expect(400);
      expect(wider.body.error).toBe('invalid_scope');
      const narrower = await refresh(app, tokens.refresh_token, 'openid user/Observation.read').expect(200);
      expect(narrower.body.scope).toBe('openid user/Observation.read');
      expect(decodeJwt(narrower.body.access_token).scope).toBe('openid user/Observation.read');
      // RFC 6749 §6: the new refresh token keeps the original scope.
      const again = await refresh(app, narrower.body.refresh_token).expect(200);
      expect(again.body.scope).toBe('openid fhirUser offline_access user/*.read');
    });

    it('is bound to its client', async () => {
      const { tokens } = await start();
      const other = await personClient(t, APP_SCOPE);
      expect((await refresh(other, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
      await refresh(app, tokens.refresh_token).expect(200);
    });

    it('online_access ends with the sign-in session', async () => {
      const { f, tokens } = await start('openid online_access user/*.read');
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const next = await refresh(app, tokens.refresh_token).expect(200);
      await t.app.get(TokenStoreService).revoke(f.sessionId);
      expect((await refresh(app, next.body.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    });

    it('is refused once the person is disabled', async () => {
      const { f, tokens } = await start();
      await t.app
        .get<Repository<EndUserEntity>>(getRepositoryToken(EndUserEntity))
        .update({ id: f.userId }, { enabled: false });
      expect((await refresh(app, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    });

    it('RFC 7009: revoking the refresh token revokes the access tokens of its grant', async () => {
      const { tokens } = await start();
      await t.http
        .post('/auth/revoke')
        .set('Authorization', basic(app.client_id, app.client_secret))
        .type('form')
        .send({ token: tokens.refresh_token, token_type_hint: 'refresh_token' })
        .expect(200);
      expect(await fhirStatus(tokens.access_token)).toBe(401);
      expect((await refresh(app, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    });

    it('refuses a missing or unknown refresh token', async () => {
      expect((await tokenRequest(t, app, { grant_type: 'refresh_token' }).expect(400)).body.error).toBe(
        'invalid_request',
      );
      expect((await refresh(app, 'nope').expect(400)).body.error).toBe('invalid_grant');
    });
  });

  describe('userinfo (OpenID Connect Core §5.3)', () => {
    it('answers sub, fhirUser, name and email per granted scope, by GET and POST', async () => {
      const userId = await createPerson(t, 'Patient/pat-7', { displayName: 'Pat Smith', email: 'pat@example.org' });
      const f = await issueCode(t, {
        clientId: app.client_id,
        userId,
        scope: 'openid fhirUser profile email user/*.read',
      });
      const { access_token } = (await exchange(t, app, f).expect(200)).body;
      const expected = {
        sub: userId,
        fhirUser: `${t.config.publicUrl}/fhir/Patient/pat-7`,
        name: 'Pat Smith',
        email: 'pat@example.org',
      };
      const get = await t.http.get('/auth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(200);
      expect(get.body).toEqual(expected);
      const post = await t.http.post('/auth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(200);
      expect(post.body).toEqual(expected);

      const g = await issueCode(t, { clientId: app.client_id, userId, scope: 'openid user/*.read' });
      const bare = (await exchange(t, app, g).expect(200)).body.access_token;
      expect((await t.http.get('/auth/userinfo').set('Authorization', `Bearer ${bare}`).expect(200)).body).toEqual({
        sub: userId,
      });
    });

    it('refuses with RFC 6750 errors: no token, a bad token, a token without openid', async () => {
      const none = await t.http.get('/auth/userinfo').expect(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      const bad = await t.http.get('/auth/userinfo').set('Authorization', 'Bearer abc.def.ghi').expect(401);
      expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
      const f = await issueCode(t, { clientId: app.client_id, scope: 'user/*.read' });
      const { access_token } = (await exchange(t, app, f).expect(200)).body;
      const res = await t.http.get('/auth/userinfo').set('Authorization', `Bearer ${access_token}`).expect(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });
  });

  describe('introspection for resource servers (SMART token introspection)', () => {
    const introspect = (c: RegisteredClient, token: string) =>
      t.http
        .post('/auth/introspect')
        .set('Authorization', basic(c.client_id, c.client_secret))
        .type('form')
        .send({ token });

    it("echoes the launch context and fhirUser; only a client with the introspect permission sees others' tokens", async () => {
      const userId = await createPerson(t, 'Practitioner/dr-5');
      const f = await issueCode(t, {
        clientId: app.client_id,
        userId,
        scope: 'openid fhirUser patient/*.read',
        patient: 'pat-5',
        encounter: 'enc-5',
      });
      const tokens = (await exchange(t, app, f).expect(200)).body;
      expect(tokens.encounter).toBe('enc-5');
      const expected = {
        active: true,
        client_id: app.client_id,
        sub: userId,
        iss: t.config.publicUrl,
        scope: 'openid fhirUser patient/*.read',
        patient: 'pat-5',
        encounter: 'enc-5',
        fhirUser: `${t.config.publicUrl}/fhir/Practitioner/dr-5`,
        exp: expect.any(Number),
        iat: expect.any(Number),
      };
      expect((await introspect(app, tokens.access_token).expect(200)).body).toMatchObject(expected);

      const stranger = await createClient(t, 'system/Patient.read');
      expect((await introspect(stranger, tokens.access_token).expect(200)).body).toEqual({ active: false });

      const resourceServer = await createClient(t, 'introspect');
      expect((await introspect(resourceServer, tokens.access_token).expect(200)).body).toMatchObject(expected);
      await t.http
        .post('/auth/revoke')
        .set('Authorization', basic(app.client_id, app.client_secret))
        .type('form')
        .send({ token: tokens.access_token })
        .expect(200);
      expect((await introspect(resourceServer, tokens.access_token).expect(200)).body).toEqual({ active: false });
    });
  });
});

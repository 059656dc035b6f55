import * as oidc from 'openid-client';
import { createTestApp, databases, TestApp } from '../support/test-app';
import { createPerson, issueCode, personClient, REDIRECT_URI } from './person-fixtures';
import { freePort } from '../support/free-port';

// openid-client is a certified OpenID relying party: it finds everything from /.well-known/openid-configuration and
// checks the id_token (signature, iss, aud, nonce, at_hash) itself.
describe.each(databases())('openid-client: the authorization code flow against the server on %s', (db) => {
  let t: TestApp;
  let issuer: URL;

  beforeAll(async () => {
    const port = await freePort();
    issuer = new URL(`http://127.0.0.1:${port}`);
    t = await createTestApp(db, { PUBLIC_URL: issuer.origin });
    await t.app.listen({ port, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('exchanges a code, validates the id_token, reads userinfo, refreshes, introspects and revokes', async () => {
    const c = await personClient(t, 'openid fhirUser profile offline_access user/*.read');
    const config = await oidc.discovery(issuer, c.client_id, undefined, oidc.ClientSecretBasic(c.client_secret), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().userinfo_endpoint).toBe(`${issuer.origin}/auth/userinfo`);

    const userId = await createPerson(t, 'Practitioner/dr-oidc', { displayName: 'Dr Open Id' });
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const f = await issueCode(t, {
      clientId: c.client_id,
      userId,
      scope: 'openid fhirUser profile offline_access user/*.read',
      nonce,
    });
    // RFC 9207: the authorization response carries `iss`, as the metadata promises.
    const callback = new URL(REDIRECT_URI);
    callback.search = new URLSearchParams({ code: f.code, state, iss: issuer.origin }).toString();
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: f.verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: issuer.origin,
      sub: userId,
      aud: c.client_id,
      nonce,
      fhirUser: `${issuer.origin}/fhir/Practitioner/dr-oidc`,
      name: 'Dr Open Id',
    });
    expect(claims.auth_time).toEqual(expect.any(Number));

    const info = await oidc.fetchUserInfo(config, tokens.access_token, userId);
    expect(info).toMatchObject({ sub: userId, fhirUser: `${issuer.origin}/fhir/Practitioner/dr-oidc` });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()!.sub).toBe(userId);

    expect(await oidc.tokenIntrospection(config, refreshed.access_token)).toMatchObject({
      active: true,
      sub: userId,
      client_id: c.client_id,
    });

    await oidc.tokenRevocation(config, refreshed.refresh_token!, { token_type_hint: 'refresh_token' });
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

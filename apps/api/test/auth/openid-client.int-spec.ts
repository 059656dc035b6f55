import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { createClient, createTestApp, databases, TestApp } from '../support/test-app';
import { freePort } from '../support/free-port';

// openid-client is a certified OAuth 2.0 / OpenID client: it uses this server from its RFC 8414 metadata alone.
describe.each(databases())('openid-client against the server on %s', (db) => {
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

  const discover = (clientId: string, auth: oidc.ClientAuth) =>
    oidc.discovery(issuer, clientId, undefined, auth, { algorithm: 'oauth2', execute: [oidc.allowInsecureRequests] });

  async function lifecycle(config: oidc.Configuration, scope: string) {
    const tokens = await oidc.clientCredentialsGrant(config, { scope });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe(scope);
    const res = await fetch(new URL('/fhir/Patient', issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    const live = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(live).toMatchObject({ active: true, scope });
    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const after = await fetch(new URL('/fhir/Patient', issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(after.status).toBe(401);
  }

  it('discovers the server from RFC 8414 metadata', async () => {
    const c = await createClient(t, 'system/Patient.read');
    const config = await discover(c.client_id, oidc.ClientSecretBasic(c.client_secret));
    expect(config.serverMetadata()).toMatchObject({
      issuer: issuer.origin,
      token_endpoint: `${issuer.origin}/auth/token`,
    });
  });

  it('client_secret_basic: token, introspection, revocation', async () => {
    const c = await createClient(t, 'system/Patient.read');
    await lifecycle(await discover(c.client_id, oidc.ClientSecretBasic(c.client_secret)), 'system/Patient.read');
  });

  it('client_secret_post: token, introspection, revocation', async () => {
    const c = await createClient(t, 'system/Patient.read', { token_endpoint_auth_method: 'client_secret_post' });
    await lifecycle(await discover(c.client_id, oidc.ClientSecretPost(c.client_secret)), 'system/Patient.read');
  });

  it('private_key_jwt (ES384): token, introspection, revocation', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES384');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' };
    const res = await fetch(new URL('/api/clients', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.adminToken()}` },
      body: JSON.stringify({
        client_name: 'backend',
        scope: 'system/Patient.read',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      }),
    });
    const clientId = ((await res.json()) as { client_id: string }).client_id;
    await lifecycle(await discover(clientId, oidc.PrivateKeyJwt(privateKey)), 'system/Patient.read');
  });
});

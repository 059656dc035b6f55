import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { DataSource } from 'typeorm';
import { createClient, createTestApp, databases, type RegisteredClient, type TestApp } from '../support/test-app';
import { issueCode, REDIRECT_URI } from '../tokens/person-fixtures';

const SCOPE = 'openid fhirUser offline_access user/*.read';

/** RFC 7009 §2.1: a public client (a SMART browser app) revokes its own tokens by naming itself with client_id. */
describe.each(databases())('revocation by a public client (%s)', (db) => {
  let t: TestApp;
  let publicApp: string;
  let otherPublicApp: string;

  const publicClient = async (): Promise<string> =>
    (
      await createClient(t, SCOPE, {
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
      })
    ).client_id;

  /** A person's tokens for `clientId`, through the real code exchange (the public client sends only client_id). */
  async function tokensFor(clientId: string): Promise<{ access_token: string; refresh_token: string }> {
    const f = await issueCode(t, { clientId, scope: SCOPE });
    const res = await t.http
      .post('/auth/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: f.code,
        redirect_uri: f.redirectUri,
        code_verifier: f.verifier,
      })
      .expect(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    return res.body;
  }

  const revoke = (form: Record<string, string>) => t.http.post('/auth/revoke').type('form').send(form);
  const refresh = (clientId: string, token: string) =>
    t.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: token });
  const fhirStatus = async (accessToken: string) =>
    (await t.http.get('/fhir/Observation').set('Authorization', `Bearer ${accessToken}`)).status;

  beforeAll(async () => {
    t = await createTestApp(db);
    publicApp = await publicClient();
    otherPublicApp = await publicClient();
  });

  afterAll(() => t.close());

  it('revokes its refresh token with client_id alone: 200, then the refresh token and the access token are dead', async () => {
    const tokens = await tokensFor(publicApp);
    expect(await fhirStatus(tokens.access_token)).toBe(200);
    const res = await revoke({ token: tokens.refresh_token, token_type_hint: 'refresh_token', client_id: publicApp });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await refresh(publicApp, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    expect(await fhirStatus(tokens.access_token)).toBe(401);
    const audit = await t.app
      .get(DataSource)
      .getRepository(AuditEventEntity)
      .findOneBy({ action: 'revoke', clientId: publicApp });
    expect(audit).toMatchObject({ outcome: 'success' });
  });

  it('revokes its access token with client_id alone', async () => {
    const tokens = await tokensFor(publicApp);
    await revoke({ token: tokens.access_token, client_id: publicApp }).expect(200);
    expect(await fhirStatus(tokens.access_token)).toBe(401);
  });

  it('cannot revoke another client’s tokens: refused as for a confidential client, and nothing is revoked', async () => {
    const tokens = await tokensFor(otherPublicApp);
    for (const token of [tokens.refresh_token, tokens.access_token]) {
      const res = await revoke({ token, client_id: publicApp });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
    }
    expect(await fhirStatus(tokens.access_token)).toBe(200);
    const refreshed = await refresh(otherPublicApp, tokens.refresh_token).expect(200);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
  });

  it('an unknown token is no error (RFC 7009 §2.2)', async () => {
    await revoke({ token: 'no-such-token', client_id: publicApp }).expect(200);
  });

  it('a confidential client sending only client_id is 401 invalid_client, and its token stays valid', async () => {
    const confidential: RegisteredClient = await createClient(t, SCOPE, {
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [REDIRECT_URI],
    });
    const f = await issueCode(t, { clientId: confidential.client_id, scope: SCOPE });
    const tokens = (
      await t.http
        .post('/auth/token')
        .auth(confidential.client_id, confidential.client_secret)
        .type('form')
        .send({
          grant_type: 'authorization_code',
          code: f.code,
          redirect_uri: f.redirectUri,
          code_verifier: f.verifier,
        })
        .expect(200)
    ).body as { access_token: string; refresh_token: string };
    const res = await revoke({ token: tokens.refresh_token, client_id: confidential.client_id });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(await fhirStatus(tokens.access_token)).toBe(200);
  });

  it('an unknown client_id is 401 invalid_client', async () => {
    const res = await revoke({ token: 'whatever', client_id: 'no-such-client' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('a public client still cannot use client_credentials by client_id alone', async () => {
    const res = await t.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: publicApp })
      .expect(401);
    expect(res.body.error).toBe('invalid_client');
  });
});

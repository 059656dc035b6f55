import { basic, createClient, createTestApp, databases, TestApp } from '../support/test-app';

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { iat: number; exp: number };

/** TOKEN_TTL_SECONDS and a client's own token_ttl_seconds set how long an access token lives. */
describe.each(databases())('access token lifetime on %s', (db) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(db, { TOKEN_TTL_SECONDS: '600' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const token = async (extra: Record<string, unknown> = {}) => {
    const client = await createClient(t, 'system/Patient.r', extra);
    const res = await t.http
      .post('/auth/token')
      .set('Authorization', basic(client.client_id, client.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'system/Patient.r' })
      .expect(200);
    return { body: res.body as { expires_in: number; access_token: string }, client };
  };

  it('TOKEN_TTL_SECONDS sets expires_in and exp - iat for a client without its own lifetime', async () => {
    const { body } = await token();
    expect(body.expires_in).toBe(600);
    const { iat, exp } = claims(body.access_token);
    expect(exp - iat).toBe(600);
  });

  it("a client's token_ttl_seconds overrides the server's", async () => {
    const { body } = await token({ token_ttl_seconds: 120 });
    expect(body.expires_in).toBe(120);
    const { iat, exp } = claims(body.access_token);
    expect(exp - iat).toBe(120);
  });

  it("changing a client's token_ttl_seconds changes its next token, and clearing it falls back to the server's", async () => {
    const { client } = await token({ token_ttl_seconds: 120 });
    const admin = `Bearer ${await t.adminToken()}`;
    const next = async () =>
      (
        await t.http
          .post('/auth/token')
          .set('Authorization', basic(client.client_id, client.client_secret))
          .type('form')
          .send({ grant_type: 'client_credentials', scope: 'system/Patient.r' })
          .expect(200)
      ).body as { expires_in: number; access_token: string };
    await t.http
      .patch(`/api/clients/${client.client_id}`)
      .set('Authorization', admin)
      .send({ token_ttl_seconds: 3000 })
      .expect(200);
    const changed = await next();
    expect(changed.expires_in).toBe(3000);
    expect(claims(changed.access_token).exp - claims(changed.access_token).iat).toBe(3000);
    await t.http
      .patch(`/api/clients/${client.client_id}`)
      .set('Authorization', admin)
      .send({ token_ttl_seconds: null })
      .expect(200);
    expect((await next()).expires_in).toBe(600);
  });
});

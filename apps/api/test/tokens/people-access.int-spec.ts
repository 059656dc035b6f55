import { decodeJwt } from 'jose';
import { createClient, createTestApp, databases, RegisteredClient, TestApp, tokenFor } from '../support/test-app';
import { createPerson, exchange, issueCode, personClient, tokenRequest } from './person-fixtures';

const APP_SCOPE = 'openid fhirUser profile launch/patient offline_access online_access user/*.read patient/*.read';

describe.each(databases())('discovery, grants and people’s access on %s', (db) => {
  let t: TestApp;
  let app: RegisteredClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(db);
    app = await personClient(t, APP_SCOPE);
    const system = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    const create = async (key: string, resource: Record<string, unknown>) => {
      const res = await t.http
        .post(`/fhir/${resource.resourceType as string}`)
        .set('Authorization', system)
        .send(resource);
      if (res.status !== 201) throw new Error(`${key}: ${res.status} ${res.text}`);
      ids[key] = res.body.id as string;
    };
    await create('alice', { resourceType: 'Patient', name: [{ family: 'Alice' }] });
    await create('bob', { resourceType: 'Patient', name: [{ family: 'Bob' }] });
    const observation = (patient: string) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'heart rate' },
      subject: { reference: `Patient/${patient}` },
    });
    await create('aliceObs', observation(ids.alice));
    await create('bobObs', observation(ids.bob));
  });

  afterAll(async () => {
    await t?.close();
  });

  const bearer = (token: string) => `Bearer ${token}`;

  async function personToken(fhirUser: string, scope: string, patient: string | null = null): Promise<string> {
    const f = await issueCode(t, { clientId: app.client_id, scope, fhirUser, patient });
    return (await exchange(t, app, f).expect(200)).body.access_token as string;
  }

  describe('discovery', () => {
    it('publishes OpenID provider metadata with the RFC 8414 issuer', async () => {
      const oidc = await t.http.get('/.well-known/openid-configuration').expect(200);
      const as = await t.http.get('/.well-known/oauth-authorization-server').expect(200);
      const base = t.config.publicUrl;
      expect(oidc.body).toMatchObject({
        issuer: as.body.issuer,
        authorization_endpoint: `${base}/auth/authorize`,
        token_endpoint: `${base}/auth/token`,
        userinfo_endpoint: `${base}/auth/userinfo`,
        jwks_uri: `${base}/auth/jwks`,
        registration_endpoint: `${base}/auth/register`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
      expect(oidc.body.grant_types_supported).toEqual(
        expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
      );
      expect(oidc.body.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['none', 'client_secret_basic', 'private_key_jwt']),
      );
      expect(oidc.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'fhirUser', 'offline_access']));
      expect(oidc.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'fhirUser', 'name', 'auth_time']));
      expect(as.body.authorization_response_iss_parameter_supported).toBe(true);
    });

    it('SMART configuration lists the SMART App Launch 2.2 capabilities, and serves the style document', async () => {
      const smart = await t.http.get('/fhir/.well-known/smart-configuration').expect(200);
      expect(smart.body).toMatchObject({
        authorization_endpoint: `${t.config.publicUrl}/auth/authorize`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
      expect(smart.body.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
      expect(smart.body.capabilities).toEqual(
        expect.arrayContaining([
          'launch-standalone',
          'launch-ehr',
          'client-public',
          'client-confidential-symmetric',
          'client-confidential-asymmetric',
          'context-standalone-patient',
          'context-ehr-patient',
          'context-ehr-encounter',
          'permission-offline',
          'permission-online',
          'permission-patient',
          'permission-user',
          'permission-v1',
          'permission-v2',
          'sso-openid-connect',
          'authorize-post',
        ]),
      );
      const style = await t.http.get('/auth/smart-style.json').expect(200);
      expect(style.body.color_background).toMatch(/^#/);
    });
  });

  describe('/api/grants', () => {
    it('lists grants by person and client, and deleting one revokes every token issued under it', async () => {
      const userId = await createPerson(t, 'Practitioner/dr-g', { displayName: 'Dr Grant' });
      const f = await issueCode(t, { clientId: app.client_id, userId, scope: 'openid offline_access user/*.read' });
      const tokens = (await exchange(t, app, f).expect(200)).body;
      const admin = bearer(await t.adminToken());

      const list = await t.http.get('/api/grants').query({ user: userId }).set('Authorization', admin).expect(200);
      expect(list.body.items).toEqual([
        expect.objectContaining({
          id: f.grantId,
          user_id: userId,
          username: expect.stringMatching(/^person-/),
          client_id: app.client_id,
          scope: 'openid offline_access user/*.read',
          kind: 'offline',
          created_at: expect.any(String),
          last_used_at: expect.any(String),
        }),
      ]);
      const byClient = await t.http
        .get('/api/grants')
        .query({ client_id: app.client_id })
        .set('Authorization', admin)
        .expect(200);
      expect(byClient.body.items.map((g: { id: string }) => g.id)).toContain(f.grantId);

      await t.http.get('/fhir/Observation').set('Authorization', bearer(tokens.access_token)).expect(200);
      await t.http.delete(`/api/grants/${f.grantId}`).set('Authorization', admin).expect(204);
      await t.http.get('/fhir/Observation').set('Authorization', bearer(tokens.access_token)).expect(401);
      const refresh = await tokenRequest(t, app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
      expect(refresh.status).toBe(400);
      expect(refresh.body.error).toBe('invalid_grant');
      const after = await t.http.get('/api/grants').query({ user: userId }).set('Authorization', admin).expect(200);
      expect(after.body.items).toEqual([]);
      await t.http.delete(`/api/grants/${f.grantId}`).set('Authorization', admin).expect(204);
      await t.http.delete('/api/grants/00000000-0000-0000-0000-000000000000').set('Authorization', admin).expect(404);
    });

    it('is for administrators only', async () => {
      await t.http.get('/api/grants').expect(401);
      await t.http
        .get('/api/grants')
        .set('Authorization', bearer(await tokenFor(t, 'system/*.read')))
        .expect(401);
    });
  });

  describe('a token acting for a person', () => {
    it("a patient's app with user/*.read reads its own Observation, and gets 404 for another patient's", async () => {
      const token = bearer(await personToken(`Patient/${ids.alice}`, 'user/*.read'));
      const own = await t.http.get(`/fhir/Observation/${ids.aliceObs}`).set('Authorization', token).expect(200);
      expect(own.body.subject.reference).toBe(`Patient/${ids.alice}`);
      // 404, not 403: confinement hides what lies outside the compartment, so a token cannot probe for ids.
      const other = await t.http.get(`/fhir/Observation/${ids.bobObs}`).set('Authorization', token).expect(404);
      expect(other.body.resourceType).toBe('OperationOutcome');
      await t.http.get(`/fhir/Patient/${ids.bob}`).set('Authorization', token).expect(404);
      const search = await t.http.get('/fhir/Observation').set('Authorization', token).expect(200);
      const found = (search.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id);
      expect(found).toEqual([ids.aliceObs]);
    });

    it('a patient stays confined even when the launch put another patient in context', async () => {
      const token = bearer(await personToken(`Patient/${ids.alice}`, 'patient/*.read', ids.bob));
      await t.http.get(`/fhir/Observation/${ids.bobObs}`).set('Authorization', token).expect(404);
      await t.http.get(`/fhir/Observation/${ids.aliceObs}`).set('Authorization', token).expect(200);
    });

    it("a practitioner's user/ scopes reach every patient; patient/ scopes the patient in context", async () => {
      const user = bearer(await personToken('Practitioner/dr-x', 'user/*.read'));
      await t.http.get(`/fhir/Observation/${ids.aliceObs}`).set('Authorization', user).expect(200);
      await t.http.get(`/fhir/Observation/${ids.bobObs}`).set('Authorization', user).expect(200);
      const patient = bearer(await personToken('Practitioner/dr-x', 'patient/*.read', ids.bob));
      await t.http.get(`/fhir/Observation/${ids.bobObs}`).set('Authorization', patient).expect(200);
      await t.http.get(`/fhir/Observation/${ids.aliceObs}`).set('Authorization', patient).expect(404);
    });

    it('a patient cannot write into another patient’s record', async () => {
      const writer = await personClient(t, 'user/*.*');
      const f = await issueCode(t, { clientId: writer.client_id, scope: 'user/*.*', fhirUser: `Patient/${ids.alice}` });
      const token = bearer((await exchange(t, writer, f).expect(200)).body.access_token);
      const res = await t.http
        .post('/fhir/Observation')
        .set('Authorization', token)
        .send({
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${ids.bob}` },
        });
      expect(res.status).toBe(403);
      await t.http
        .post('/fhir/Observation')
        .set('Authorization', token)
        .send({
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: `Patient/${ids.alice}` },
        })
        .expect(201);
    });
  });

  it('client_credentials tokens are unchanged: sub is the client, no grant', async () => {
    const c = await createClient(t, 'system/Patient.read');
    const res = await t.http
      .post('/auth/token')
      .auth(c.client_id, c.client_secret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.id_token).toBeUndefined();
    expect(res.body.smart_style_url).toBeUndefined();
    const claims = decodeJwt(res.body.access_token);
    expect(claims.sub).toBe(c.client_id);
    expect(claims.acting_patient).toBeUndefined();
  });
});

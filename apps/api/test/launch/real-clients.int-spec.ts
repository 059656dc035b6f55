import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import smart from 'fhirclient';
import { BrowserSession } from '../support/browser-session';
import { createTestApp, databases, tokenFor, TestApp } from '../support/test-app';

const PASSWORD = 'a-long-enough-password-1';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The real API listening on a loopback port, its PUBLIC_URL that address (clients discover it there). */
async function listeningApp(db: 'sqlite' | 'mysql'): Promise<{ t: TestApp; base: string }> {
  const probe = createServer();
  const base = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  const t = await createTestApp(db, { PUBLIC_URL: base });
  await t.app.listen({ port: Number(new URL(base).port), host: '127.0.0.1' });
  return { t, base };
}

async function createPatient(t: TestApp, family: string, nhs: string): Promise<string> {
  const token = await tokenFor(t, 'system/Patient.write system/Patient.read');
  const res = await t.http
    .post('/fhir/Patient')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/fhir+json')
    .send({
      resourceType: 'Patient',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }],
      name: [{ family, given: ['Sam'] }],
      birthDate: '1970-01-01',
    })
    .expect(201);
  return res.body.id as string;
}

async function createPractitioner(t: TestApp, family: string): Promise<string> {
  const token = await tokenFor(t, 'system/Practitioner.write');
  const res = await t.http
    .post('/fhir/Practitioner')
    .set('Authorization', `Bearer ${token}`)
    .set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Practitioner', name: [{ family, prefix: ['Dr'] }] })
    .expect(201);
  return res.body.id as string;
}

/** A FHIR read with a bearer token, as an app makes it; resolves to the HTTP status. */
async function fhirStatus(url: string, token: string): Promise<number> {
  return (await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } })).status;
}

async function createUser(t: TestApp, username: string, role: 'patient' | 'practitioner', fhirUser: string) {
  await t.http
    .post('/api/users')
    .set('Authorization', `Bearer ${await t.adminToken()}`)
    .send({ username, display_name: username, role, fhir_user: fhirUser, password: PASSWORD })
    .expect(201);
}

async function publicClient(t: TestApp, redirectUri: string, scope: string): Promise<string> {
  const res = await t.http
    .post('/api/clients')
    .set('Authorization', `Bearer ${await t.adminToken()}`)
    .send({
      client_name: 'a SMART app',
      scope,
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
      redirect_uris: [redirectUri],
    })
    .expect(201);
  expect(res.body.client_secret).toBeUndefined();
  return res.body.client_id as string;
}

// Clients nobody here wrote, through the real pages: a certified OpenID relying party, and the SMART JS client.
describe.each(databases())('real SMART and OpenID clients against the server on %s', (db) => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    ({ t, base } = await listeningApp(db));
  });

  afterAll(async () => {
    await t?.close();
  });

  it('openid-client: a public client signs a patient in (PKCE, consent with one scope unchecked), refreshes, introspects and revokes', async () => {
    const patientId = await createPatient(t, 'Oidcfamily', '9990001111');
    await createUser(t, 'oidc-patient', 'patient', `Patient/${patientId}`);
    const redirectUri = 'http://127.0.0.1:1/callback';
    const scope = 'openid fhirUser profile offline_access patient/Patient.rs patient/Observation.rs';
    const clientId = await publicClient(t, redirectUri, scope);
    const config = await oidc.discovery(new URL(base), clientId, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      state,
      nonce,
      aud: `${base}/fhir`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const browser = new BrowserSession(redirectUri);
    const signIn = await browser.go(url.toString());
    expect(signIn.status).toBe(200);
    const consent = await browser.signIn(signIn, 'oidc-patient', PASSWORD);
    const back = await browser.allow(consent, ['patient/Observation.rs']);
    const callback = new URL(back.url);
    expect(callback.searchParams.get('iss')).toBe(base);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.scope!.split(' ').sort()).toEqual(
      ['fhirUser', 'offline_access', 'openid', 'patient/Patient.rs', 'profile'].sort(),
    );
    expect(tokens.patient).toBe(patientId);
    expect(tokens.claims()).toMatchObject({
      iss: base,
      aud: clientId,
      nonce,
      fhirUser: `${base}/fhir/Patient/${patientId}`,
    });

    expect(await fhirStatus(`${base}/fhir/Patient/${patientId}`, tokens.access_token)).toBe(200);
    // The unchecked scope was not granted.
    expect(await fhirStatus(`${base}/fhir/Observation?patient=${patientId}`, tokens.access_token)).toBe(403);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    // The rotated-out refresh token is dead, and using it again revokes the whole grant (RFC 9700 §4.14.2).
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await fhirStatus(`${base}/fhir/Patient/${patientId}`, refreshed.access_token)).toBe(401);
  });

  it('fhirclient (the SMART JS client, in Node): a practitioner’s standalone launch with a patient picked', async () => {
    const patientId = await createPatient(t, 'Pickedfamily', '9990002223');
    await createPatient(t, 'Otherfamily', '9990003335');
    await createUser(t, 'fc-practitioner', 'practitioner', `Practitioner/${await createPractitioner(t, 'Launcher')}`);
    const scope = 'openid fhirUser launch/patient patient/Patient.rs offline_access';

    // The app: fhirclient's Node adapter, its state in memory.
    const store = new Map<string, unknown>();
    const storage = {
      get: async (key: string) => store.get(key),
      set: async (key: string, value: unknown) => void store.set(key, value),
      unset: async (key: string) => store.delete(key),
    };
    let clientId = '';
    const outcome: { resolve: (v: unknown) => void; reject: (e: unknown) => void } = {
      resolve: () => undefined,
      reject: () => undefined,
    };
    const done = new Promise((resolve, reject) => Object.assign(outcome, { resolve, reject }));
    const app = createServer((req: IncomingMessage, res: ServerResponse) => {
      const api = smart(req, res, storage);
      if (req.url?.startsWith('/launch')) {
        void api.authorize({ iss: `${base}/fhir`, clientId, scope, redirectUri: '/app', pkceMode: 'required' });
        return;
      }
      api
        .ready()
        .then(async (client) => {
          const patient = await client.patient.read();
          outcome.resolve({ patient, state: client.state });
          res.end('ok');
        })
        .catch((e: unknown) => {
          outcome.reject(e);
          res.statusCode = 500;
          res.end(String(e));
        });
    });
    const appBase = await listen(app);
    try {
      clientId = await publicClient(t, `${appBase}/app`, scope);
      const browser = new BrowserSession(`${appBase}/app`);
      const signIn = await browser.go(`${appBase}/launch`);
      const picker = await browser.signIn(signIn, 'fc-practitioner', PASSWORD);
      expect(picker.html).toContain('Search patients');
      const consent = await browser.pickPatient(picker, 'Pickedfamily', 'Pickedfamily');
      const back = await browser.allow(consent);
      expect((await fetch(back.url)).status).toBe(200);
      const result = (await done) as { patient: { id: string }; state: { tokenResponse: Record<string, unknown> } };
      expect(result.patient.id).toBe(patientId);
      expect(result.state.tokenResponse).toMatchObject({ patient: patientId, need_patient_banner: true });
      expect(String(result.state.tokenResponse.scope)).toContain('launch/patient');
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });
});

import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { AuthorizationCodeEntity } from '../../src/auth/authorize/authorization-code.entity';
import { AuthorizationCodesService, sha256Hex } from '../../src/auth/authorize/authorization-codes.service';
import { AuthorizationGrantEntity } from '../../src/auth/authorize/authorization-grant.entity';
import { LaunchContextEntity } from '../../src/auth/authorize/launch-context.entity';
import { ClientEntity } from '../../src/clients/client.entity';
import { UsersService } from '../../src/users/users.service';
import { formWithButton, labelFor, parseForms, press } from '../support/html-forms';
import { createClient, createTestApp, databases, type TestApp, tokenFor } from '../support/test-app';

const ISS = 'http://ccri.test';
const AUD = `${ISS}/fhir`;
const REDIRECT = 'https://app.example/callback';
const PASSWORD = 'correct horse battery staple 42';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

describe.each(databases())('Authorization endpoint and pages (%s)', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let fhirAuth: string;
  let patientId: string;
  let otherPatientId: string;
  let patientUser: { id: string; username: string };
  let practitioner: { id: string; username: string };

  async function appClient(
    scope: string,
    extra: Partial<ClientEntity> = {},
  ): Promise<{ client_id: string; client_secret: string }> {
    const c = await createClient(t, scope);
    await ds.getRepository(ClientEntity).update(
      { clientId: c.client_id },
      {
        grantTypes: 'authorization_code refresh_token',
        redirectUris: JSON.stringify([REDIRECT, 'https://app.example/other?x=1']),
        ...extra,
      },
    );
    return c;
  }

  function params(clientId: string, challenge: string, extra: Record<string, string | undefined> = {}) {
    const p: Record<string, string> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'openid fhirUser patient/Patient.read',
      state: `st-${randomBytes(4).toString('hex')}`,
      aud: AUD,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      nonce: 'n-0S6_WzA2Mj',
    };
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete p[k];
      else p[k] = v;
    }
    return p;
  }

  function browser(): TestAgent {
    return request.agent(t.app.getHttpServer());
  }

  /** Follows one redirect inside this server (relative Location). */
  async function follow(agent: TestAgent, res: request.Response): Promise<request.Response> {
    expect([302, 303]).toContain(res.status);
    const location = res.headers.location as string;
    expect(location.startsWith('/auth/')).toBe(true);
    return agent.get(location);
  }

  async function submit(agent: TestAgent, html: string, button: string, fields?: Record<string, string | string[]>) {
    const f = formWithButton(html, button);
    return agent
      .post(f.action)
      .type('form')
      .send(form(press(f, button, fields ?? f.fields)));
  }

  async function signIn(agent: TestAgent, page: request.Response, username: string, password = PASSWORD) {
    const f = formWithButton(page.text, 'Sign in');
    return agent
      .post(f.action)
      .type('form')
      .send(form(press(f, 'Sign in', { ...f.fields, username, password })));
  }

  function appRedirect(res: request.Response): URL {
    expect([302, 303]).toContain(res.status);
    const url = new URL(res.headers.location as string);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    return url;
  }

  async function codeRecord(code: string): Promise<AuthorizationCodeEntity> {
    return ds.getRepository(AuthorizationCodeEntity).findOneByOrFail({ codeHash: sha256Hex(code) });
  }

  async function auditOf(action: string, clientId: string): Promise<AuditEventEntity[]> {
    return ds.getRepository(AuditEventEntity).find({ where: { action, clientId }, order: { recordedAt: 'ASC' } });
  }

  /** Start → sign in → consent page (response of the consent page). */
  async function toConsent(agent: TestAgent, clientId: string, challenge: string, username: string, extra = {}) {
    const start = await agent
      .get('/auth/authorize')
      .query(params(clientId, challenge, extra))
      .expect(200);
    const signedIn = await signIn(agent, start, username);
    expect(signedIn.status).toBe(303);
    return follow(agent, signedIn);
  }

  beforeAll(async () => {
    t = await createTestApp(db);
    ds = t.app.get(DataSource);
    fhirAuth = `Bearer ${await tokenFor(t, 'system/*.*')}`;
    const mk = async (family: string, given: string, birthDate: string, nhs: string) =>
      (
        await t.http
          .post('/fhir/Patient')
          .set('Authorization', fhirAuth)
          .send({
            resourceType: 'Patient',
            name: [{ family, given: [given] }],
            birthDate,
            identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }],
          })
          .expect(201)
      ).body.id as string;
    patientId = await mk('Zebedee', 'Ada', '1970-01-02', '9990000018');
    otherPatientId = await mk('Zebedee', 'Bryn', '1985-06-07', '9990000026');
    const users = t.app.get(UsersService);
    patientUser = await users.create({
      username: 'ada',
      display_name: 'Ada Zebedee',
      role: 'patient',
      fhir_user: `Patient/${patientId}`,
      password: PASSWORD,
    });
    practitioner = await users.create({
      username: 'dr-who',
      display_name: 'Dr Who',
      role: 'practitioner',
      fhir_user: 'Practitioner/p1',
      password: PASSWORD,
    });
  });

  afterAll(() => t.close());

  describe('requests refused before the redirect_uri is trusted: an error page, never a redirect', () => {
    it('unknown client', async () => {
      const res = await browser().get('/auth/authorize').query(params('no-such-client', pkce().challenge));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('not known');
    });

    it('unregistered redirect_uri', async () => {
      const c = await appClient('patient/*.read');
      const res = await browser()
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { redirect_uri: 'https://evil.example/callback' }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('redirect_uri');
      const [record] = await auditOf('authorize', c.client_id);
      expect(record).toMatchObject({ outcome: 'error', reason: 'invalid_redirect_uri' });
    });

    it('a registered redirect_uri with something added (exact match only)', async () => {
      const c = await appClient('patient/*.read');
      const res = await browser()
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { redirect_uri: `${REDIRECT}/../x` }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });

    it('a client without the authorization_code grant', async () => {
      const c = await appClient('patient/*.read', { grantTypes: 'client_credentials' });
      const res = await browser().get('/auth/authorize').query(params(c.client_id, pkce().challenge));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  describe('requests refused back to the app with error, state and iss (no code)', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = (await appClient('openid fhirUser launch launch/patient patient/*.read')).client_id;
    });

    async function refused(extra: Record<string, string | undefined>, error = 'invalid_request') {
      const p = params(clientId, pkce().challenge, extra);
      const res = await browser().get('/auth/authorize').query(p);
      const url = appRedirect(res);
      expect(url.searchParams.get('error')).toBe(error);
      expect(url.searchParams.get('error_description')).toBeTruthy();
      expect(url.searchParams.get('state')).toBe(p.state);
      expect(url.searchParams.get('iss')).toBe(ISS);
      expect(url.searchParams.get('code')).toBeNull();
      return url;
    }

    it('aud is not this FHIR server', async () => {
      await refused({ aud: 'https://other.example/fhir' });
    });

    it('aud missing', async () => {
      await refused({ aud: undefined });
    });

    it('resource is accepted as a synonym of aud', async () => {
      const p = params(clientId, pkce().challenge, { aud: undefined, resource: AUD });
      const res = await browser().get('/auth/authorize').query(p).expect(200);
      expect(res.text).toContain('Sign in');
    });

    it('code_challenge missing', async () => {
      await refused({ code_challenge: undefined });
    });

    it('code_challenge_method plain', async () => {
      await refused({ code_challenge_method: 'plain' });
    });

    it('code_challenge_method missing', async () => {
      await refused({ code_challenge_method: undefined });
    });

    it('response_type token', async () => {
      await refused({ response_type: 'token' }, 'unsupported_response_type');
    });

    it('a scope the client may not have', async () => {
      await refused({ scope: 'system/*.write' }, 'invalid_scope');
    });

    it('prompt=none without a session: login_required', async () => {
      const url = await refused({ prompt: 'none' }, 'login_required');
      expect(url.searchParams.get('error')).toBe('login_required');
    });
  });

  describe('EHR launch', () => {
    let launcher: { client_id: string };
    let stranger: { client_id: string };

    beforeAll(async () => {
      launcher = await appClient('openid fhirUser launch patient/*.read', {
        launchUri: 'https://app.example/launch?tenant=t1',
      });
      stranger = await appClient('openid fhirUser launch patient/*.read', { launchUri: 'https://other.example/l' });
    });

    async function newLaunch(clientId: string, patient = patientId) {
      const res = await t.http
        .post('/api/launches')
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .send({ client_id: clientId, patient });
      expect(res.status).toBe(201);
      return res.body as { launch: string; launch_url: string; expires_in: number };
    }

    async function launchRefused(launch: string, reason: string) {
      const p = params(launcher.client_id, pkce().challenge, { launch, scope: 'launch patient/*.read' });
      const url = appRedirect(await browser().get('/auth/authorize').query(p));
      expect(url.searchParams.get('error')).toBe('invalid_request');
      expect(url.searchParams.get('state')).toBe(p.state);
      expect(url.searchParams.get('iss')).toBe(ISS);
      expect(url.searchParams.get('code')).toBeNull();
      const records = await auditOf('authorize', launcher.client_id);
      expect(records.at(-1)).toMatchObject({ outcome: 'error', reason });
    }

    it('POST /api/launches answers the launch URL with iss and launch added to the app’s own query', async () => {
      const l = await newLaunch(launcher.client_id);
      const url = new URL(l.launch_url);
      expect(url.origin + url.pathname).toBe('https://app.example/launch');
      expect(url.searchParams.get('tenant')).toBe('t1');
      expect(url.searchParams.get('iss')).toBe(AUD);
      expect(url.searchParams.get('launch')).toBe(l.launch);
      expect(l.expires_in).toBe(300);
      const records = await ds
        .getRepository(AuditEventEntity)
        .find({ where: { action: 'launch.create', clientId: launcher.client_id } });
      expect(records.length).toBeGreaterThanOrEqual(1);
      expect(records[0]).toMatchObject({ outcome: 'success', actor: 'test-admin', resourceId: patientId });
    });

    it('POST /api/launches refuses a client without launch_uri, an unknown patient, and non-administrators', async () => {
      const plain = await appClient('patient/*.read');
      const admin = `Bearer ${await t.adminToken()}`;
      const noUri = await t.http
        .post('/api/launches')
        .set('Authorization', admin)
        .send({ client_id: plain.client_id, patient: patientId });
      expect(noUri.status).toBe(400);
      const noPatient = await t.http
        .post('/api/launches')
        .set('Authorization', admin)
        .send({ client_id: launcher.client_id, patient: 'does-not-exist' });
      expect(noPatient.status).toBe(400);
      const anonymous = await t.http.post('/api/launches').send({ client_id: launcher.client_id, patient: patientId });
      expect(anonymous.status).toBe(401);
    });

    it('unknown launch', async () => {
      await launchRefused('no-such-launch', 'unknown_launch');
    });

    it('expired launch', async () => {
      const l = await newLaunch(launcher.client_id);
      await ds
        .getRepository(LaunchContextEntity)
        .update({ launchHash: sha256Hex(l.launch) }, { expiresAt: new Date(Date.now() - 1000) });
      await launchRefused(l.launch, 'expired_launch');
    });

    it('reused launch', async () => {
      const l = await newLaunch(launcher.client_id);
      const p = params(launcher.client_id, pkce().challenge, { launch: l.launch, scope: 'launch patient/*.read' });
      await browser().get('/auth/authorize').query(p).expect(200);
      await launchRefused(l.launch, 'launch_reused');
    });

    it('another client’s launch', async () => {
      const l = await newLaunch(stranger.client_id);
      await launchRefused(l.launch, 'launch_client_mismatch');
    });

    it('a valid launch puts its patient in the code (practitioner, no picker)', async () => {
      const l = await newLaunch(launcher.client_id);
      const agent = browser();
      const { verifier, challenge } = pkce();
      const consent = await toConsent(agent, launcher.client_id, challenge, practitioner.username, {
        launch: l.launch,
        scope: 'openid launch patient/*.read',
      });
      expect(consent.text).toContain('Allow');
      expect(consent.text).toContain('Ada Zebedee');
      const url = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      const code = url.searchParams.get('code')!;
      expect(await codeRecord(code)).toMatchObject({ patient: patientId, userId: practitioner.id });
      const redeemed = await t.app.get(AuthorizationCodesService).redeem(code, launcher.client_id, REDIRECT, verifier);
      expect(redeemed.ok).toBe(true);
    });
  });

  describe('sign-in, consent and the code', () => {
    it('signs in, shows consent with labelled checkboxes, and issues a code with everything the token endpoint needs', async () => {
      const c = await appClient('openid fhirUser profile offline_access patient/*.read');
      const agent = browser();
      const { verifier, challenge } = pkce();
      const p = params(c.client_id, challenge, { scope: 'openid fhirUser offline_access patient/Patient.read' });
      const start = await agent.get('/auth/authorize').query(p).expect(200);
      expect(labelFor(start.text, 'username')).toBe('Username');
      expect(labelFor(start.text, 'password')).toBe('Password');
      expect(start.text).toMatch(/<input type="password" id="password"/);
      const signedIn = await signIn(agent, start, 'ada');
      expect(signedIn.status).toBe(303);
      const consent = await follow(agent, signedIn);
      expect(consent.status).toBe(200);
      const f = formWithButton(consent.text, 'Allow');
      expect(f.buttons.map((b) => b.text)).toEqual(['Allow', 'Deny']);
      expect(f.checkboxes.map((x) => x.value)).toEqual([
        'openid',
        'fhirUser',
        'offline_access',
        'patient/Patient.read',
      ]);
      expect(f.checkboxes.every((x) => x.checked)).toBe(true);
      const patientLabel = labelFor(consent.text, f.checkboxes[3].id!)!;
      expect(patientLabel.startsWith('patient/Patient.read ')).toBe(true);
      expect(patientLabel.length).toBeGreaterThan('patient/Patient.read '.length);
      const back = await follow(agent, await submit(agent, consent.text, 'Allow'));
      const url = appRedirect(back);
      expect(url.searchParams.get('state')).toBe(p.state);
      expect(url.searchParams.get('iss')).toBe(ISS);
      const code = url.searchParams.get('code')!;
      const record = await codeRecord(code);
      const grant = await ds.getRepository(AuthorizationGrantEntity).findOneByOrFail({ id: record.grantId });
      expect(record).toMatchObject({
        clientId: c.client_id,
        userId: patientUser.id,
        redirectUri: REDIRECT,
        codeChallenge: challenge,
        scope: 'openid fhirUser offline_access patient/Patient.read',
        patient: patientId,
        nonce: 'n-0S6_WzA2Mj',
      });
      expect(record.sessionId).toBeTruthy();
      expect(Math.abs(record.authTime.getTime() - Date.now())).toBeLessThan(60_000);
      expect(grant).toMatchObject({
        userId: patientUser.id,
        clientId: c.client_id,
        kind: 'offline',
        scope: 'openid fhirUser offline_access patient/Patient.read',
        revokedAt: null,
      });
      const redeemed = await t.app.get(AuthorizationCodesService).redeem(code, c.client_id, REDIRECT, verifier);
      expect(redeemed.ok).toBe(true);
    });

    it('POST /auth/authorize (SMART authorize-post) works like GET', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const res = await agent
        .post('/auth/authorize')
        .type('form')
        .send(form(params(c.client_id, pkce().challenge)));
      expect(res.status).toBe(200);
      expect(formWithButton(res.text, 'Sign in').action).toBe('/auth/authorize/sign-in');
    });

    it('an unchecked scope is missing from the code’s scope and the grant', async () => {
      const c = await appClient('openid fhirUser patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada');
      const f = formWithButton(consent.text, 'Allow');
      const fields = { ...f.fields, scope: ['openid', 'patient/Patient.read'] };
      const url = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow', fields)));
      const record = await codeRecord(url.searchParams.get('code')!);
      expect(record.scope).toBe('openid patient/Patient.read');
      const grant = await ds.getRepository(AuthorizationGrantEntity).findOneByOrFail({ id: record.grantId });
      expect(grant.scope).toBe('openid patient/Patient.read');
      expect(grant.kind).toBe('consent');
    });

    it('Deny sends access_denied with state and iss, and issues no code', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const { challenge } = pkce();
      const start = await agent.get('/auth/authorize').query(params(c.client_id, challenge, { state: 'keep-me' }));
      const consent = await follow(agent, await signIn(agent, start, 'ada'));
      const res = await submit(agent, consent.text, 'Deny');
      expect(res.status).toBe(303);
      const url = appRedirect(res);
      expect(url.searchParams.get('error')).toBe('access_denied');
      expect(url.searchParams.get('state')).toBe('keep-me');
      expect(url.searchParams.get('iss')).toBe(ISS);
      expect(url.searchParams.get('code')).toBeNull();
      expect(await ds.getRepository(AuthorizationCodeEntity).countBy({ clientId: c.client_id })).toBe(0);
      const [denied] = await auditOf('authorize.consent', c.client_id);
      expect(denied).toMatchObject({ outcome: 'denied', actor: 'ada', reason: 'access_denied' });
    });

    it('a form post without the CSRF token is refused with 403 and does nothing', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada');
      const f = formWithButton(consent.text, 'Allow');
      const { csrf_token: _dropped, ...withoutCsrf } = f.fields;
      const res = await agent
        .post(f.action)
        .type('form')
        .send(form(press(f, 'Allow', withoutCsrf)));
      expect(res.status).toBe(403);
      expect(res.headers.location).toBeUndefined();
      expect(await ds.getRepository(AuthorizationCodeEntity).countBy({ clientId: c.client_id })).toBe(0);
      expect(await ds.getRepository(AuthorizationGrantEntity).countBy({ clientId: c.client_id })).toBe(0);
      const wrong = await agent
        .post(f.action)
        .type('form')
        .send(form(press(f, 'Allow', { ...f.fields, csrf_token: 'x'.repeat(43) })));
      expect(wrong.status).toBe(403);
      expect(await ds.getRepository(AuthorizationCodeEntity).countBy({ clientId: c.client_id })).toBe(0);
    });

    it('a sign-in post from another browser (no CSRF cookie) is refused with 403', async () => {
      const c = await appClient('openid patient/*.read');
      const start = await browser().get('/auth/authorize').query(params(c.client_id, pkce().challenge));
      const f = formWithButton(start.text, 'Sign in');
      const res = await browser()
        .post(f.action)
        .type('form')
        .send(form(press(f, 'Sign in', { ...f.fields, username: 'ada', password: PASSWORD })));
      expect(res.status).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('remembered consent skips the page; withdrawing it brings the page back', async () => {
      const c = await appClient('openid fhirUser profile patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada', {
        scope: 'openid fhirUser patient/Patient.read',
      });
      const first = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      const grantId = (await codeRecord(first.searchParams.get('code')!)).grantId;
      // A subset of what was allowed, same session: straight back to the app with a code.
      const again = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid patient/Patient.read' }));
      const url = appRedirect(again);
      const record = await codeRecord(url.searchParams.get('code')!);
      expect(record.grantId).toBe(grantId);
      expect(record.scope).toBe('openid patient/Patient.read');
      // prompt=none works silently too.
      const silent = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid', prompt: 'none' }));
      expect(appRedirect(silent).searchParams.get('code')).toBeTruthy();
      // More than was allowed: the page again.
      const more = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid profile' }));
      expect(more.status).toBe(200);
      expect(formWithButton(more.text, 'Allow').checkboxes.map((x) => x.value)).toEqual(['openid', 'profile']);
      // Withdrawn: the page again, and prompt=none says consent_required.
      await ds.getRepository(AuthorizationGrantEntity).update({ id: grantId }, { revokedAt: new Date() });
      const after = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid' }));
      expect(after.status).toBe(200);
      expect(formWithButton(after.text, 'Allow').checkboxes.map((x) => x.value)).toEqual(['openid']);
      const none = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid', prompt: 'none' }));
      expect(appRedirect(none).searchParams.get('error')).toBe('consent_required');
    });

    it('prompt=login asks to sign in again even with a session', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada');
      appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      const res = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge, { prompt: 'login' }));
      expect(res.status).toBe(200);
      expect(formWithButton(res.text, 'Sign in')).toBeTruthy();
      const back = await follow(agent, await signIn(agent, res, 'ada'));
      expect(appRedirect(back).searchParams.get('code')).toBeTruthy();
    });

    it('a patient user gets their own patient in the code, whatever they ask', async () => {
      const c = await appClient('openid fhirUser launch/patient patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada', {
        scope: 'openid fhirUser launch/patient patient/*.read',
      });
      expect(parseForms(consent.text).some((f) => f.buttons.some((b) => b.text.includes('NHS number')))).toBe(false);
      const url = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      expect((await codeRecord(url.searchParams.get('code')!)).patient).toBe(patientId);
    });

    it('a practitioner asking launch/patient picks a patient, who lands in the code', async () => {
      const c = await appClient('openid fhirUser launch/patient patient/*.read');
      const agent = browser();
      const start = await agent
        .get('/auth/authorize')
        .query(params(c.client_id, pkce().challenge, { scope: 'openid launch/patient patient/*.read' }));
      const picker = await follow(agent, await signIn(agent, start, 'dr-who'));
      expect(picker.status).toBe(200);
      expect(labelFor(picker.text, 'search')).toBe('Search patients');
      const search = formWithButton(picker.text, 'Search');
      expect(search.method).toBe('get');
      const results = await agent.get(search.action).query({ ...search.fields, search: 'Zebedee' });
      expect(results.status).toBe(200);
      const choose = parseForms(results.text).find((f) => f.action === '/auth/authorize/patient')!;
      const texts = choose.buttons.map((b) => b.text);
      expect(texts).toHaveLength(2);
      expect(texts).toContain('Bryn Zebedee · born 1985-06-07 · NHS number 9990000026');
      const picked = await submit(agent, results.text, 'Bryn Zebedee · born 1985-06-07 · NHS number 9990000026');
      expect(picked.status).toBe(303);
      const consent = await follow(agent, picked);
      expect(consent.text).toContain('Bryn Zebedee');
      const url = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      const record = await codeRecord(url.searchParams.get('code')!);
      expect(record).toMatchObject({ patient: otherPatientId, userId: practitioner.id });
      // By NHS number too.
      const byNhs = await agent.get(search.action).query({ ...search.fields, search: '999 000 0018' });
      expect(byNhs.text).toContain('Ada Zebedee');
      expect(byNhs.text).not.toContain('Bryn Zebedee');
    });

    it('max_age older than the sign-in asks to sign in again', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const consent = await toConsent(agent, c.client_id, pkce().challenge, 'ada');
      const first = appRedirect(await follow(agent, await submit(agent, consent.text, 'Allow')));
      const authTime = (await codeRecord(first.searchParams.get('code')!)).authTime;
      await new Promise((r) => setTimeout(r, 1100));
      const res = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge, { max_age: '0' }));
      expect(res.status).toBe(200);
      const back = await follow(agent, await signIn(agent, res, 'ada'));
      const record = await codeRecord(appRedirect(back).searchParams.get('code')!);
      expect(record.authTime.getTime()).toBeGreaterThan(authTime.getTime());
      // A generous max_age does not.
      const ok = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge, { max_age: '3600' }));
      expect(appRedirect(ok).searchParams.get('code')).toBeTruthy();
    });

    it('too many failed sign-ins show a readable 429 page with Retry-After', async () => {
      await t.app.get(UsersService).create({
        username: 'unlucky',
        display_name: 'Unlucky',
        role: 'patient',
        fhir_user: `Patient/${patientId}`,
        password: PASSWORD,
      });
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      let page = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge)).expect(200);
      for (let i = 0; i < 5; i++) {
        page = await signIn(agent, page, 'unlucky', 'wrong');
        expect(page.status).toBe(200);
      }
      const locked = await signIn(agent, page, 'unlucky', PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toMatch(/^\d+$/);
      expect(locked.headers['content-type']).toMatch(/text\/html/);
      expect(locked.text).toContain('Too many failed sign-ins');
      expect(locked.headers['set-cookie']).toBeUndefined();
      const records = await auditOf('authorize.sign-in', c.client_id);
      expect(records).toHaveLength(6);
      expect(records.at(-1)).toMatchObject({ outcome: 'denied', actor: 'unlucky', reason: 'locked' });
    });

    it('a tampered interaction is refused', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const start = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge));
      const f = formWithButton(start.text, 'Sign in');
      const token = f.fields.interaction as string;
      const [h, body, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      claims.redirect_uri = 'https://evil.example/cb';
      const forged = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      const res = await agent
        .post(f.action)
        .type('form')
        .send(form(press(f, 'Sign in', { ...f.fields, interaction: forged, username: 'ada', password: PASSWORD })));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  describe('page headers and cookies', () => {
    it('pages forbid framing and caching; cookies are HttpOnly, SameSite=Lax, Path=/auth', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const start = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge)).expect(200);
      for (const res of [start]) {
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['content-security-policy']).toContain("default-src 'none'");
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.text).toContain('<meta name="viewport"');
      }
      const csrf = (start.headers['set-cookie'] as unknown as string[]).find((x) => x.startsWith('ccri_csrf='))!;
      expect(csrf).toMatch(/; HttpOnly/);
      expect(csrf).toMatch(/; SameSite=Lax/);
      expect(csrf).toMatch(/; Path=\/auth/);
      expect(csrf).not.toMatch(/Secure/);
      const signedIn = await signIn(agent, start, 'ada');
      const session = (signedIn.headers['set-cookie'] as unknown as string[]).find((x) =>
        x.startsWith('ccri_session='),
      )!;
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Lax/);
      expect(session).toMatch(/; Path=\/auth/);
      const consent = await follow(agent, signedIn);
      expect(consent.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(consent.headers['x-frame-options']).toBe('DENY');
      expect(consent.headers['cache-control']).toBe('no-store');
    });

    it('text is escaped: a client name with markup shows as text', async () => {
      const c = await appClient('openid patient/*.read', { clientName: '<script>alert(1)</script> & co' });
      const res = await browser().get('/auth/authorize').query(params(c.client_id, pkce().challenge)).expect(200);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    });
  });

  describe('audit: one record per step, with the person as actor', () => {
    it('sign-in failure, sign-in success, consent given and code issued', async () => {
      const c = await appClient('openid patient/*.read');
      const agent = browser();
      const start = await agent.get('/auth/authorize').query(params(c.client_id, pkce().challenge)).expect(200);
      expect(await ds.getRepository(AuditEventEntity).countBy({ clientId: c.client_id })).toBe(0);
      const wrong = await signIn(agent, start, 'ada', 'wrong password');
      expect(wrong.status).toBe(200);
      expect(wrong.text).toContain('Wrong username or password');
      const failures = await auditOf('authorize.sign-in', c.client_id);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        outcome: 'denied',
        actor: 'ada',
        reason: 'invalid_credentials',
        category: 'token',
      });
      const consent = await follow(agent, await signIn(agent, wrong, 'ada'));
      const signIns = await auditOf('authorize.sign-in', c.client_id);
      expect(signIns).toHaveLength(2);
      expect(signIns[1]).toMatchObject({ outcome: 'success', actor: 'ada' });
      const back = await submit(agent, consent.text, 'Allow');
      const consents = await auditOf('authorize.consent', c.client_id);
      expect(consents).toHaveLength(1);
      expect(consents[0]).toMatchObject({ outcome: 'success', actor: 'ada', scope: 'openid patient/Patient.read' });
      expect(await auditOf('authorize.code', c.client_id)).toHaveLength(0);
      appRedirect(await follow(agent, back));
      const codes = await auditOf('authorize.code', c.client_id);
      expect(codes).toHaveLength(1);
      expect(codes[0]).toMatchObject({ outcome: 'success', actor: 'ada', scope: 'openid patient/Patient.read' });
      expect(await ds.getRepository(AuditEventEntity).countBy({ clientId: c.client_id })).toBe(4);
    });
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { ExternalIdentityEntity } from '../../src/federation/external-identity.entity';
import { FederationLoginEntity } from '../../src/federation/federation-login.entity';
import { BrowserSession, type Page } from '../support/browser-session';
import { freePort } from '../support/free-port';
import { decodeEntities, formWithButton } from '../support/html-forms';
import { basic, createTestApp, databases, tokenFor, type TestApp } from '../support/test-app';

const SECRET = `idp-secret-${randomBytes(12).toString('hex')}`;
const FAKE_SECRET = `fake-secret-${randomBytes(12).toString('hex')}`;
/** The secret of a provider an administrator adds through the API. */
const ADDED_SECRET = `new-secret-${randomBytes(8).toString('hex')}`;
const APP_REDIRECT = 'http://127.0.0.1:1/callback';

/** People known to the real provider; its development login form takes any password, the login is the `sub`. */
const ACCOUNTS = {
  alice: { email: 'alice@hospital.test', email_verified: true, name: 'Alice Patient' },
  stranger: { email: 'stranger@hospital.test', email_verified: false, name: 'Stranger' },
  dev: { email: 'dev@hospital.test', email_verified: true, name: 'Dev Eloper' },
  'test-admin': { email: 'root@hospital.test', email_verified: true, name: 'Admin' },
  intruder: { email: 'intruder@hospital.test', email_verified: true, name: 'Intruder' },
};

/** panva's oidc-provider in its own process (test/support/test-oidc-provider.mjs). */
async function startRealProvider(redirectUris: string[]): Promise<{ child: ChildProcess; issuer: string }> {
  const child = fork(join(__dirname, '../support/test-oidc-provider.mjs'), [], {
    env: {
      ...process.env,
      OIDC_TEST_CONFIG: JSON.stringify({
        clients: [
          {
            client_id: 'ccri',
            client_secret: SECRET,
            redirect_uris: redirectUris,
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        accounts: ACCOUNTS,
      }),
    },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { issuer: string }).issuer));
    child.once('exit', (code) => reject(new Error(`test OpenID provider exited (${code})`)));
  });
  return { child, issuer };
}

/**
 * A tiny provider that answers the token request with whatever id_token a test crafts (signed with its own RSA
 * key), for the failures a real provider never produces.
 */
interface FakeProvider {
  server: Server;
  issuer: string;
  /** Builds the id_token from the nonce the relying party sent. */
  idToken: (nonce: string) => Promise<string>;
  lastNonce: string;
  sign(claims: Record<string, unknown>): Promise<string>;
}

async function startFakeProvider(): Promise<FakeProvider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const fake = { lastNonce: '' } as FakeProvider;
  fake.sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'fake-1' }).sign(privateKey);
  fake.server = createServer((req, res) => {
    const json = (body: unknown) => res.setHeader('content-type', 'application/json').end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration')
      return json({
        issuer: fake.issuer,
        authorization_endpoint: `${fake.issuer}/authorize`,
        token_endpoint: `${fake.issuer}/token`,
        jwks_uri: `${fake.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    if (req.url === '/jwks') return json({ keys: [jwk] });
    if (req.url === '/token' && req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        void fake
          .idToken(fake.lastNonce)
          .then((id_token) => json({ access_token: 'fake-at', token_type: 'Bearer', expires_in: 60, id_token }));
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.issuer = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Submits the first form of one of the provider's own pages (its dev login and consent forms). */
function providerSubmit(browser: BrowserSession, page: Page, fields: Record<string, string>): Promise<Page> {
  const action = /<form[^>]*action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`No form on the provider page:\n${page.html}`);
  return browser.go(new URL(decodeEntities(action), page.url).toString(), {
    method: 'POST',
    body: new URLSearchParams(fields),
  });
}

/** At the provider: sign in as `login`, then allow (consent) if asked. */
async function atProvider(browser: BrowserSession, page: Page, login: string): Promise<Page> {
  expect(page.html).toContain('name="login"');
  let next = await providerSubmit(browser, page, { prompt: 'login', login, password: 'any' });
  if (next.html.includes('value="consent"')) next = await providerSubmit(browser, next, { prompt: 'consent' });
  return next;
}

describe.each(databases())('federated sign-in through an external OpenID provider on %s', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let base: string;
  let real: { child: ChildProcess; issuer: string };
  let fake: FakeProvider;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    real = await startRealProvider([`${base}/auth/federation/idp/callback`]);
    fake = await startFakeProvider();
    const providers = [
      {
        id: 'idp',
        name: 'Test IdP',
        issuer: real.issuer,
        client_id: 'ccri',
        client_secret: SECRET,
        scopes: 'openid email profile',
        audiences: ['users', 'developers', 'admins'],
        link_by_verified_email: true,
        auto_create: true,
        admin_allow_list: ['test-admin'],
      },
      {
        id: 'fake',
        name: 'Fake IdP',
        issuer: fake.issuer,
        client_id: 'fake-client',
        client_secret: FAKE_SECRET,
        audiences: ['developers'],
        auto_create: true,
      },
      {
        id: 'down',
        name: 'Down IdP',
        issuer: `http://127.0.0.1:${await freePort()}`,
        client_id: 'down-client',
        client_secret: 'down-secret-0123456789',
        audiences: ['developers'],
      },
    ];
    t = await createTestApp(db, { PUBLIC_URL: base, OIDC_PROVIDERS: JSON.stringify(providers) });
    await t.app.listen({ port, host: '127.0.0.1' });
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
    if (real?.child.pid) process.kill(real.child.pid);
    await new Promise((resolve) => (fake ? fake.server.close(resolve) : resolve(undefined)));
  });

  const admin = async () => `Bearer ${await t.adminToken()}`;

  /** The audit record of the latest federated callback for `provider` (written as the response leaves). */
  async function lastAudit(action: string, provider: string): Promise<AuditEventEntity> {
    for (let i = 0; i < 50; i++) {
      const rows = await ds
        .getRepository(AuditEventEntity)
        .find({ where: { action, resourceId: provider }, order: { recordedAt: 'DESC' }, take: 1 });
      if (rows[0]) return rows[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${action} audit record for ${provider}`);
  }

  async function auditCount(action: string, provider: string): Promise<number> {
    return ds.getRepository(AuditEventEntity).countBy({ action, resourceId: provider });
  }

  async function createPatient(family: string): Promise<string> {
    const token = await tokenFor(t, 'system/Patient.write system/Patient.read');
    const res = await t.http
      .post('/fhir/Patient')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', name: [{ family, given: ['Sam'] }], birthDate: '1970-01-01' })
      .expect(201);
    return res.body.id as string;
  }

  async function smartClient(): Promise<string> {
    const res = await t.http
      .post('/api/clients')
      .set('Authorization', await admin())
      .send({
        client_name: 'A SMART app',
        scope: 'openid fhirUser launch/patient patient/Patient.rs',
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
        redirect_uris: [APP_REDIRECT],
      })
      .expect(201);
    return res.body.client_id as string;
  }

  function authorizeUrl(clientId: string, challenge: string): string {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: APP_REDIRECT,
      scope: 'openid fhirUser launch/patient patient/Patient.rs',
      state: 'app-state',
      aud: `${base}/fhir`,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${base}/auth/authorize?${q}`;
  }

  /** A round at the fake provider: start (developers), then the callback with the given state (default: the real one). */
  async function fakeRound(opts: { state?: (s: string) => string; bind?: boolean } = {}) {
    const start = await fetch(`${base}/auth/federation/fake/start?audience=developers`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const to = new URL(start.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${fake.issuer}/authorize`);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    fake.lastNonce = to.searchParams.get('nonce')!;
    const state = to.searchParams.get('state')!;
    const bind = start.headers
      .getSetCookie()
      .find((c) => c.startsWith('ccri_federation='))!
      .split(';')[0];
    const callback = `${base}/auth/federation/fake/callback?code=c0de&state=${encodeURIComponent(opts.state ? opts.state(state) : state)}`;
    const res = await fetch(callback, { redirect: 'manual', headers: opts.bind === false ? {} : { cookie: bind } });
    return { res, html: await res.text(), callback, bind };
  }

  async function fakeLinks(): Promise<number> {
    return ds.getRepository(ExternalIdentityEntity).countBy({ issuer: fake.issuer });
  }

  it('administrators manage providers; the client secret is never returned; OIDC_PROVIDERS bootstrapped them', async () => {
    const list = await t.http
      .get('/api/identity-providers')
      .set('Authorization', await admin())
      .expect(200);
    expect(list.body.map((p: { id: string }) => p.id)).toEqual(['down', 'fake', 'idp']);
    expect(list.body[2]).toMatchObject({
      id: 'idp',
      name: 'Test IdP',
      issuer: real.issuer,
      client_id: 'ccri',
      audiences: ['users', 'developers', 'admins'],
      link_by_verified_email: true,
      admin_allow_list: ['test-admin'],
      callback_url: `${base}/auth/federation/idp/callback`,
    });
    await t.http.get('/api/identity-providers').expect(401);

    const secret = ADDED_SECRET;
    const created = await t.http
      .post('/api/identity-providers')
      .set('Authorization', await admin())
      .send({
        id: 'entra',
        name: 'Entra',
        issuer: 'https://login.example/v2.0',
        client_id: 'x',
        client_secret: secret,
        audiences: ['users'],
      })
      .expect(201);
    expect(created.body).toMatchObject({ id: 'entra', scopes: 'openid email profile', auto_create: false });
    const updated = await t.http
      .patch('/api/identity-providers/entra')
      .set('Authorization', await admin())
      .send({ name: 'Microsoft Entra ID' })
      .expect(200);
    expect(updated.body.name).toBe('Microsoft Entra ID');
    const bad = await t.http
      .post('/api/identity-providers')
      .set('Authorization', await admin())
      .send({ id: 'Bad Id', name: 'x', issuer: 'x', client_id: 'x', client_secret: 'x', audiences: ['robots'] })
      .expect(400);
    expect(bad.body.status).toBe(400);
    const pub = await t.http.get('/api/identity-providers/public?audience=users').expect(200);
    expect(pub.body).toEqual([
      { id: 'entra', name: 'Microsoft Entra ID', start_url: `${base}/auth/federation/entra/start?audience=users` },
      { id: 'idp', name: 'Test IdP', start_url: `${base}/auth/federation/idp/start?audience=users` },
    ]);
    const all = JSON.stringify([
      pub.body,
      list.body,
      created.body,
      updated.body,
      (
        await t.http
          .get('/api/identity-providers/entra')
          .set('Authorization', await admin())
          .expect(200)
      ).body,
    ]);
    for (const s of [SECRET, FAKE_SECRET, secret]) expect(all).not.toContain(s);
    await t.http
      .delete('/api/identity-providers/entra')
      .set('Authorization', await admin())
      .expect(204);
    await t.http
      .get('/api/identity-providers/entra')
      .set('Authorization', await admin())
      .expect(404);
  });

  it('a patient signs in with the provider during a SMART launch, is linked by verified e-mail, and the code carries their patient', async () => {
    const patientId = await createPatient('Federated');
    const user = await t.http
      .post('/api/users')
      .set('Authorization', await admin())
      .send({
        username: 'alice',
        display_name: 'Alice',
        role: 'patient',
        fhir_user: `Patient/${patientId}`,
        email: 'alice@hospital.test',
        password: 'a-long-enough-password-1',
      })
      .expect(201);
    const clientId = await smartClient();
    const { verifier, challenge } = pkce();
    const browser = new BrowserSession(APP_REDIRECT);

    const signIn = await browser.go(authorizeUrl(clientId, challenge));
    expect(signIn.status).toBe(200);
    const button = formWithButton(signIn.html, 'Sign in with Test IdP');
    const atIdp = await browser.submit(signIn, button, 'Sign in with Test IdP');
    expect(atIdp.url.startsWith(real.issuer)).toBe(true);
    const consent = await atProvider(browser, atIdp, 'alice');
    expect(consent.url.startsWith(`${base}/auth/authorize/resume`)).toBe(true);
    const back = await browser.allow(consent);
    const code = new URL(back.url).searchParams.get('code')!;
    expect(code).toBeTruthy();

    const token = await t.http
      .post('/auth/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code,
        redirect_uri: APP_REDIRECT,
        client_id: clientId,
        code_verifier: verifier,
      })
      .expect(200);
    expect(token.body.patient).toBe(patientId);

    const audit = await lastAudit('federation.callback.users', 'idp');
    expect(audit).toMatchObject({ outcome: 'success', actor: 'alice@hospital.test' });
    const shown = await t.http
      .get(`/api/users/${user.body.id}`)
      .set('Authorization', await admin())
      .expect(200);
    expect(shown.body.external_identities).toEqual([
      expect.objectContaining({
        provider_id: 'idp',
        issuer: real.issuer,
        subject: 'alice',
        email: 'alice@hospital.test',
      }),
    ]);
    const linkId = shown.body.external_identities[0].id as string;
    // The Users list shows the same links (loaded for the whole page at once).
    const listed = await t.http
      .get('/api/users?search=alice')
      .set('Authorization', await admin())
      .expect(200);
    expect(listed.body.items.find((u: { id: string }) => u.id === user.body.id).external_identities).toEqual(
      shown.body.external_identities,
    );
    await t.http
      .delete(`/api/users/${user.body.id}/external-identities/${linkId}`)
      .set('Authorization', await admin())
      .expect(204);
    expect(await lastAudit('user.unlink_identity', user.body.id)).toMatchObject({
      outcome: 'success',
      resourceType: 'EndUser',
    });
    await t.http
      .delete(`/api/users/${user.body.id}/external-identities/${linkId}`)
      .set('Authorization', await admin())
      .expect(404);
    const after = await t.http
      .get(`/api/users/${user.body.id}`)
      .set('Authorization', await admin())
      .expect(200);
    expect(after.body.external_identities).toEqual([]);
  });

  it('a person with no verified e-mail sees the waiting page and nothing is linked or created', async () => {
    const clientId = await smartClient();
    const browser = new BrowserSession(APP_REDIRECT);
    const signIn = await browser.go(authorizeUrl(clientId, pkce().challenge));
    const atIdp = await browser.submit(
      signIn,
      formWithButton(signIn.html, 'Sign in with Test IdP'),
      'Sign in with Test IdP',
    );
    const page = await atProvider(browser, atIdp, 'stranger');
    expect(page.status).toBe(403);
    expect(page.html).toContain('waiting for an administrator to link your account');
    expect(await ds.getRepository(ExternalIdentityEntity).countBy({ subject: 'stranger' })).toBe(0);
    const users = await t.http
      .get('/api/users?search=stranger')
      .set('Authorization', await admin())
      .expect(200);
    expect(users.body.total).toBe(0);
    expect(await lastAudit('federation.callback', 'idp')).toMatchObject({
      outcome: 'denied',
      reason: 'identity_not_linked',
    });

    // The administrator links it by hand; the next sign-in goes through to consent.
    const patientId = await createPatient('Stranger');
    const user = await t.http
      .post('/api/users')
      .set('Authorization', await admin())
      .send({
        username: 'stranger',
        display_name: 'Stranger',
        role: 'patient',
        fhir_user: `Patient/${patientId}`,
        password: 'a-long-enough-password-1',
      })
      .expect(201);
    const link = await t.http
      .post(`/api/users/${user.body.id}/external-identities`)
      .set('Authorization', await admin())
      .send({ provider_id: 'idp', subject: 'stranger' })
      .expect(201);
    expect(link.body).toMatchObject({ provider_id: 'idp', issuer: real.issuer, subject: 'stranger' });
    await t.http
      .post(`/api/users/${user.body.id}/external-identities`)
      .set('Authorization', await admin())
      .send({ provider_id: 'idp', subject: 'stranger' })
      .expect(409);
    const again = new BrowserSession(APP_REDIRECT);
    const signIn2 = await again.go(authorizeUrl(clientId, pkce().challenge));
    const atIdp2 = await again.submit(
      signIn2,
      formWithButton(signIn2.html, 'Sign in with Test IdP'),
      'Sign in with Test IdP',
    );
    const consent = await atProvider(again, atIdp2, 'stranger');
    expect(consent.url.startsWith(`${base}/auth/authorize/resume`)).toBe(true);
    expect(formWithButton(consent.html, 'Allow')).toBeTruthy();
  });

  it('a developer signs in on the portal, exchanges the one-time code for a session, and registers a client that gets a token', async () => {
    const browser = new BrowserSession(`${base}/admin/`);
    const atIdp = await browser.go(`${base}/auth/federation/idp/start?audience=developers`);
    const back = await atProvider(browser, atIdp, 'dev');
    const landing = new URL(back.url);
    expect(landing.pathname).toBe('/admin/portal/login');
    const code = new URLSearchParams(landing.hash.slice(1)).get('federation_code')!;
    const session = await t.http.post('/api/portal/federated-session').send({ code }).expect(200);
    expect(session.body.developer).toMatchObject({ email: 'dev@hospital.test', name: 'Dev Eloper' });
    // The code works once.
    await t.http.post('/api/portal/federated-session').send({ code }).expect(401);
    // Nor is it an administrator's code.
    await t.http.post('/api/auth/federated-session').send({ code }).expect(401);

    await t.http
      .put('/api/settings/registration')
      .set('Authorization', await admin())
      .send({ policy: 'open-with-approval', self_service_scopes: ['system/Patient.read'] })
      .expect(200);
    const created = await t.http
      .post('/api/portal/clients')
      .set('Authorization', `Bearer ${session.body.access_token}`)
      .send({ client_name: 'Federated lab', scope: 'system/Patient.read' })
      .expect(201);
    await t.http
      .post(`/api/clients/${created.body.client_id}/approve`)
      .set('Authorization', await admin())
      .expect(200);
    const token = await t.http
      .post('/auth/token')
      .set('Authorization', basic(created.body.client_id, created.body.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
    expect(token.body.access_token).toEqual(expect.any(String));
  });

  it('an administrator identity on the allow-list reaches /api/clients; one not on it is refused', async () => {
    const intruder = new BrowserSession(`${base}/admin/`);
    const refused = await atProvider(
      intruder,
      await intruder.go(`${base}/auth/federation/idp/start?audience=admins`),
      'intruder',
    );
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('may not administer this server');
    expect(await lastAudit('federation.callback', 'idp')).toMatchObject({
      outcome: 'denied',
      reason: 'admin_not_allowed',
    });

    const browser = new BrowserSession(`${base}/admin/`);
    const back = await atProvider(
      browser,
      await browser.go(`${base}/auth/federation/idp/start?audience=admins`),
      'test-admin',
    );
    const landing = new URL(back.url);
    expect(landing.pathname).toBe('/admin/login');
    const code = new URLSearchParams(landing.hash.slice(1)).get('federation_code')!;
    const session = await t.http.post('/api/auth/federated-session').send({ code }).expect(200);
    expect(session.body.username).toBe('test-admin');
    await t.http.get('/api/clients').set('Authorization', `Bearer ${session.body.access_token}`).expect(200);
  });

  it('a provider that cannot be reached gives a readable page, audited, and nothing is created', async () => {
    const res = await fetch(`${base}/auth/federation/down/start?audience=developers`, { redirect: 'manual' });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('cannot be reached');
    expect(await lastAudit('federation.start', 'down')).toMatchObject({
      outcome: 'error',
      reason: 'provider_unreachable',
    });
    // Nothing created: no pending sign-in, no link.
    expect(await ds.getRepository(FederationLoginEntity).countBy({ providerId: 'down' })).toBe(0);
    expect(await ds.getRepository(ExternalIdentityEntity).countBy({ providerId: 'down' })).toBe(0);
  });

  it('a provider that accepts the connection but never answers is given up after 5 s, with the same readable page', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await t.http
        .post('/api/identity-providers')
        .set('Authorization', await admin())
        .send({
          id: 'silent',
          name: 'Silent IdP',
          issuer: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          client_id: 'silent-client',
          client_secret: 'silent-secret-0123456789',
          audiences: ['developers'],
        })
        .expect(201);
      const started = Date.now();
      const res = await fetch(`${base}/auth/federation/silent/start?audience=developers`, { redirect: 'manual' });
      const waited = Date.now() - started;
      expect(res.status).toBe(502);
      expect(await res.text()).toContain('Silent IdP cannot be reached right now');
      expect(waited).toBeGreaterThanOrEqual(4_500);
      expect(waited).toBeLessThan(15_000);
      expect(await lastAudit('federation.start', 'silent')).toMatchObject({
        outcome: 'error',
        reason: 'provider_unreachable',
      });
      expect(await ds.getRepository(FederationLoginEntity).countBy({ providerId: 'silent' })).toBe(0);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  describe('refused callbacks (crafted id_tokens from a fake provider)', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const good = (nonce: string) =>
      fake.sign({
        iss: fake.issuer,
        aud: 'fake-client',
        sub: `fake-${randomBytes(4).toString('hex')}`,
        nonce,
        iat: now(),
        exp: now() + 300,
        email: `fake-${randomBytes(4).toString('hex')}@hospital.test`,
        email_verified: true,
      });

    async function expectRefused(round: Awaited<ReturnType<typeof fakeRound>>, reason: RegExp, linksBefore: number) {
      expect(round.res.status).toBeGreaterThanOrEqual(400);
      expect(round.html).toContain('<h1>');
      expect(round.html).not.toMatch(/at .*\.ts:\d+/);
      const audit = await lastAudit('federation.callback', 'fake');
      expect(audit.outcome).toMatch(/denied|error/);
      expect(audit.reason).toMatch(reason);
      expect(await fakeLinks()).toBe(linksBefore);
    }

    it('a correct id_token signs the developer in (the baseline the refusals differ from)', async () => {
      fake.idToken = good;
      const before = await fakeLinks();
      const round = await fakeRound();
      expect(round.res.status).toBe(302);
      expect(round.res.headers.get('location')).toMatch(/\/admin\/portal\/login#federation_code=/);
      expect(await fakeLinks()).toBe(before + 1);
    });

    it('a tampered state is refused', async () => {
      fake.idToken = good;
      await expectRefused(
        await fakeRound({ state: (s) => `${s.slice(0, -2)}xx` }),
        /^state_unknown$/,
        await fakeLinks(),
      );
    });

    it('a state from another browser (no binding cookie) is refused', async () => {
      fake.idToken = good;
      await expectRefused(await fakeRound({ bind: false }), /^state_not_bound_to_browser$/, await fakeLinks());
    });

    it('a replayed state is refused', async () => {
      fake.idToken = good;
      const first = await fakeRound();
      expect(first.res.status).toBe(302);
      const before = await fakeLinks();
      const again = await fetch(first.callback, { redirect: 'manual', headers: { cookie: first.bind } });
      await expectRefused({ ...first, res: again, html: await again.text() }, /^state_replayed$/, before);
    });

    const cases: [string, (nonce: string) => Promise<string>, RegExp][] = [
      ['a wrong nonce', (_n) => good('not-the-nonce'), /provider_response_invalid.*nonce/i],
      [
        'an id_token for another audience',
        (n) => fake.sign({ iss: fake.issuer, aud: 'another-client', sub: 'x', nonce: n, iat: now(), exp: now() + 300 }),
        /provider_response_invalid.*aud/i,
      ],
      [
        'an id_token from another issuer',
        (n) =>
          fake.sign({
            iss: 'https://evil.example',
            aud: 'fake-client',
            sub: 'x',
            nonce: n,
            iat: now(),
            exp: now() + 300,
          }),
        /provider_response_invalid.*iss/i,
      ],
      [
        'an expired id_token',
        (n) =>
          fake.sign({ iss: fake.issuer, aud: 'fake-client', sub: 'x', nonce: n, iat: now() - 7200, exp: now() - 3600 }),
        /provider_response_invalid.*exp/i,
      ],
      [
        'an unsigned (alg none) id_token',
        async (n) => {
          const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          return `${enc({ alg: 'none' })}.${enc({ iss: fake.issuer, aud: 'fake-client', sub: 'x', nonce: n, iat: now(), exp: now() + 300 })}.`;
        },
        /provider_response_invalid/,
      ],
      [
        'an HS256 id_token',
        (n) =>
          new SignJWT({ iss: fake.issuer, aud: 'fake-client', sub: 'x', nonce: n, iat: now(), exp: now() + 300 })
            .setProtectedHeader({ alg: 'HS256' })
            .sign(Buffer.from(FAKE_SECRET)),
        /provider_response_invalid/,
      ],
    ];
    it.each(cases)('%s is refused, audited with the reason, nothing linked', async (_name, idToken, reason) => {
      fake.idToken = idToken;
      const before = await fakeLinks();
      const audits = await auditCount('federation.callback', 'fake');
      await expectRefused(await fakeRound(), reason, before);
      expect(await auditCount('federation.callback', 'fake')).toBe(audits + 1);
    });

    it('no provider secret is in any audit record', async () => {
      const rows = await ds.getRepository(AuditEventEntity).find();
      const text = JSON.stringify(rows);
      // Including the records of the provider's creation and change through the API (its body is not recorded).
      expect(rows.filter((r) => r.action.startsWith('identity_provider.')).map((r) => r.action)).toEqual(
        expect.arrayContaining(['identity_provider.create', 'identity_provider.update', 'identity_provider.delete']),
      );
      for (const s of [SECRET, FAKE_SECRET, ADDED_SECRET]) expect(text).not.toContain(s);
    });
  });
});

describe('federated sign-in logs at LOG_LEVEL=debug', () => {
  it('write no provider secret in any log line, through a whole sign-in', async () => {
    const lines: string[] = [];
    const fake = await startFakeProvider();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t = await createTestApp('sqlite', {
      PUBLIC_URL: base,
      LOG_LEVEL: 'debug',
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'fake',
          name: 'Fake',
          issuer: fake.issuer,
          client_id: 'fake-client',
          client_secret: FAKE_SECRET,
          audiences: ['developers'],
          auto_create: true,
        },
      ]),
    });
    // Every log line goes through the one pino stream the app's loggers share.
    const stream = (
      t.app.getHttpAdapter().getInstance().log as unknown as Record<symbol, { write(s: string): boolean }>
    )[pino.symbols.streamSym];
    const write = stream.write.bind(stream);
    stream.write = (line: string) => {
      lines.push(line);
      return write(line);
    };
    try {
      await t.app.listen({ port, host: '127.0.0.1' });
      const now = Math.floor(Date.now() / 1000);
      fake.idToken = (nonce) =>
        fake.sign({
          iss: fake.issuer,
          aud: 'fake-client',
          sub: 'logged',
          nonce,
          iat: now,
          exp: now + 300,
          email: 'logged@hospital.test',
          email_verified: true,
        });
      const start = await fetch(`${base}/auth/federation/fake/start?audience=developers`, { redirect: 'manual' });
      const to = new URL(start.headers.get('location')!);
      fake.lastNonce = to.searchParams.get('nonce')!;
      const bind = start.headers
        .getSetCookie()
        .find((c) => c.startsWith('ccri_federation='))!
        .split(';')[0];
      const back = await fetch(
        `${base}/auth/federation/fake/callback?code=c0de&state=${to.searchParams.get('state')}`,
        {
          redirect: 'manual',
          headers: { cookie: bind },
        },
      );
      expect(back.status).toBe(302);
      await t.http
        .post('/api/identity-providers')
        .set('Authorization', `Bearer ${await t.adminToken()}`)
        .send({
          id: 'other',
          name: 'Other',
          issuer: 'https://login.example',
          client_id: 'o',
          client_secret: SECRET,
          audiences: ['users'],
        })
        .expect(201);
    } finally {
      await t.close();
      await new Promise((resolve) => fake.server.close(resolve));
      stream.write = write;
    }
    const log = lines.join('');
    expect(log).toContain('/auth/federation/fake/callback');
    expect(log).not.toContain(FAKE_SECRET);
    expect(log).not.toContain(SECRET);
  });
});

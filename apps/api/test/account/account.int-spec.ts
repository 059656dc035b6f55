import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../../src/audit/audit-event.entity';
import { describeScope } from '../../src/auth/authorize/authorize.service';
import { escapeHtml } from '../../src/auth/authorize/html-page';
import { ScopesService } from '../../src/scopes/scopes.service';
import { UsersService } from '../../src/users/users.service';
import { formWithButton, parseForms, press, type HtmlForm } from '../support/html-forms';
import {
  basic,
  createClient,
  createTestApp,
  databases,
  type RegisteredClient,
  type TestApp,
} from '../support/test-app';
import { pkce, REDIRECT_URI } from '../tokens/person-fixtures';

const PASSWORD = 'correct horse battery staple 42';
const SCOPE = 'openid fhirUser offline_access user/*.read';

function encode(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** A person's own account page: the apps they allowed, revoking one, and signing out. */
describe.each(databases())('account page (%s)', (db) => {
  let t: TestApp;
  let ds: DataSource;
  let app: RegisteredClient;
  let appName: string;

  async function person(): Promise<string> {
    const username = `person-${randomBytes(4).toString('hex')}`;
    await t.app.get(UsersService).create({
      username,
      display_name: `Dr ${username}`,
      role: 'practitioner',
      fhir_user: 'Practitioner/p1',
      password: PASSWORD,
    });
    return username;
  }

  function post(agent: TestAgent, f: HtmlForm, button: string, fields = f.fields) {
    return agent
      .post(f.action)
      .type('form')
      .send(encode(press(f, button, fields)));
  }

  /** A browser signed in on the account page (the page shows the sign-in form first). */
  async function signedIn(username: string): Promise<{ agent: TestAgent; session: string }> {
    const agent = request.agent(t.app.getHttpServer());
    const first = await agent.get('/auth/account').expect(200);
    const f = formWithButton(first.text, 'Sign in');
    expect(f.action).toBe('/auth/account/sign-in');
    const res = await post(agent, f, 'Sign in', { ...f.fields, username, password: PASSWORD }).expect(303);
    expect(res.headers.location).toBe('/auth/account');
    const session = (res.headers['set-cookie'] as unknown as string[])
      .find((c) => c.startsWith('ccri_session='))!
      .split(';')[0]
      .slice('ccri_session='.length);
    return { agent, session };
  }

  /** The real authorization flow in this (signed-in) browser: consent, Allow, code, token exchange. */
  async function allowApp(agent: TestAgent): Promise<Tokens> {
    const { verifier, challenge } = pkce();
    const start = await agent
      .get('/auth/authorize')
      .query({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        state: 'st-1',
        aud: `${t.config.publicUrl}/fhir`,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      .expect(200);
    const consent = formWithButton(start.text, 'Allow');
    let back = await post(agent, consent, 'Allow');
    // Inside this server (the resume step) until the redirect back to the app.
    while ((back.headers.location as string | undefined)?.startsWith('/auth/'))
      back = await agent.get(back.headers.location);
    expect([302, 303]).toContain(back.status);
    const code = new URL(back.headers.location as string).searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const res = await t.http
      .post('/auth/token')
      .set('Authorization', basic(app.client_id, app.client_secret))
      .type('form')
      .send({ grant_type: 'authorization_code', code: code!, redirect_uri: REDIRECT_URI, code_verifier: verifier })
      .expect(200);
    return res.body as Tokens;
  }

  const revokeForms = (htmlText: string) => parseForms(htmlText).filter((f) => f.action === '/auth/account/revoke');
  const fhirStatus = async (accessToken: string) =>
    (await t.http.get('/fhir/Observation').set('Authorization', `Bearer ${accessToken}`)).status;
  const refreshError = async (refreshToken: string) =>
    (
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(app.client_id, app.client_secret))
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: refreshToken })
    ).body.error as string | undefined;
  const grantsOf = (username: string) =>
    ds.query(
      'SELECT g.id, g.revoked_at FROM authorization_grants g JOIN end_users u ON u.id = g.user_id WHERE u.username = ?',
      [username],
    ) as Promise<{ id: string; revoked_at: Date | null }[]>;

  beforeAll(async () => {
    t = await createTestApp(db);
    ds = t.app.get(DataSource);
    appName = `Heart Health <${randomBytes(2).toString('hex')}>`;
    app = await createClient(t, SCOPE, {
      client_name: appName,
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [REDIRECT_URI],
    });
  });

  afterAll(() => t.close());

  it('without a session shows the sign-in page with the pages’ headers; a wrong password says so', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const res = await agent.get('/auth/account').expect(200);
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<h1>Sign in</h1>');
    const f = formWithButton(res.text, 'Sign in');
    expect(f.fields.interaction).toBeUndefined();
    const wrong = await post(agent, f, 'Sign in', { ...f.fields, username: 'nobody', password: 'nope' }).expect(200);
    expect(wrong.text).toContain('Wrong username or password.');
    expect(wrong.headers['x-frame-options']).toBe('DENY');
    const audit = await ds.getRepository(AuditEventEntity).findOneBy({ action: 'account.sign-in', actor: 'nobody' });
    expect(audit).toMatchObject({ outcome: 'denied' });
  });

  it('lists an app after the person allowed it: name, scopes with descriptions, when allowed and last used', async () => {
    const username = await person();
    const { agent } = await signedIn(username);
    const empty = await agent.get('/auth/account').expect(200);
    expect(empty.text).toContain('Apps you have allowed');
    expect(empty.text).toContain('You have not allowed any apps.');
    expect(empty.headers['x-frame-options']).toBe('DENY');

    const tokens = await allowApp(agent);
    await t.http
      .post('/auth/token')
      .set('Authorization', basic(app.client_id, app.client_secret))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
      .expect(200);
    const res = await agent.get('/auth/account').expect(200);
    expect(res.text).toContain(`<h3>${escapeHtml(appName)}</h3>`);
    const catalog = new Map((await t.app.get(ScopesService).list()).map((e) => [e.scope, e.description]));
    for (const scope of SCOPE.split(' ')) {
      expect(res.text).toContain(
        `<code>${escapeHtml(scope)}</code> ${escapeHtml(catalog.get(scope) ?? describeScope(scope))}`,
      );
    }
    expect(res.text).toMatch(/Allowed <time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(res.text).toMatch(/Last used <time datetime=/);
    const [grant] = await grantsOf(username);
    expect(revokeForms(res.text).map((f) => f.fields.grant)).toEqual([grant.id]);
  });

  it('Revoke ends the grant and every token under it, and is audited with the person as actor', async () => {
    const username = await person();
    const { agent } = await signedIn(username);
    const tokens = await allowApp(agent);
    expect(await fhirStatus(tokens.access_token)).toBe(200);
    const before = await agent.get('/auth/account').expect(200);
    const [f] = revokeForms(before.text);
    const res = await post(agent, f, 'Revoke').expect(303);
    expect(res.headers.location).toBe('/auth/account');

    expect(await fhirStatus(tokens.access_token)).toBe(401);
    expect(await refreshError(tokens.refresh_token)).toBe('invalid_grant');
    const after = await agent.get('/auth/account').expect(200);
    expect(after.text).not.toContain(escapeHtml(appName));
    expect(after.text).toContain('You have not allowed any apps.');
    const [grant] = await grantsOf(username);
    expect(grant.revoked_at).not.toBeNull();
    const audit = await ds
      .getRepository(AuditEventEntity)
      .findOneBy({ action: 'account.revoke-grant', actor: username });
    expect(audit).toMatchObject({ outcome: 'success', clientId: app.client_id, category: 'token' });

    // Allowing the app again shows the consent page again (the remembered consent is gone).
    const again = await allowApp(agent);
    expect(await fhirStatus(again.access_token)).toBe(200);
  });

  it('another person’s grant id: 404 page, nothing revoked', async () => {
    const victim = await person();
    const victimTokens = await allowApp((await signedIn(victim)).agent);
    const [victimGrant] = await grantsOf(victim);
    const attacker = await person();
    const { agent } = await signedIn(attacker);
    const page = await agent.get('/auth/account').expect(200);
    const signOut = formWithButton(page.text, 'Sign out');
    const res = await agent
      .post('/auth/account/revoke')
      .type('form')
      .send(encode({ csrf_token: signOut.fields.csrf_token as string, grant: victimGrant.id }))
      .expect(404);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('App not found');
    expect((await grantsOf(victim))[0].revoked_at).toBeNull();
    expect(await fhirStatus(victimTokens.access_token)).toBe(200);
    expect(await refreshError(victimTokens.refresh_token)).toBeUndefined();
    const audit = await ds
      .getRepository(AuditEventEntity)
      .findOneBy({ action: 'account.revoke-grant', actor: attacker });
    expect(audit).toMatchObject({ outcome: 'denied', reason: 'grant_not_found' });
  });

  it('a Revoke post without the CSRF token (or with a wrong one) is 403 and revokes nothing', async () => {
    const username = await person();
    const { agent } = await signedIn(username);
    const tokens = await allowApp(agent);
    const [f] = revokeForms((await agent.get('/auth/account').expect(200)).text);
    const missing = await agent
      .post('/auth/account/revoke')
      .type('form')
      .send(encode({ grant: f.fields.grant }));
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('Request refused');
    await post(agent, f, 'Revoke', { ...f.fields, csrf_token: 'x'.repeat(43) }).expect(403);
    expect((await grantsOf(username))[0].revoked_at).toBeNull();
    expect(await fhirStatus(tokens.access_token)).toBe(200);
    const audit = await ds.getRepository(AuditEventEntity).findOneBy({
      action: 'account.revoke-grant',
      reason: 'csrf_token_invalid',
    });
    expect(audit).toMatchObject({ outcome: 'denied' });
  });

  it('Sign out ends the session: /auth/authorize asks to sign in again, even with the old cookie replayed', async () => {
    const username = await person();
    const { agent, session } = await signedIn(username);
    await allowApp(agent);
    const authorizeUrl = () => {
      const { challenge } = pkce();
      return `/auth/authorize?${encode({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: REDIRECT_URI,
        scope: SCOPE,
        aud: `${t.config.publicUrl}/fhir`,
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })}`;
    };
    // Signed in with a remembered consent: straight back to the app.
    expect((await agent.get(authorizeUrl()).expect(302)).headers.location).toContain('code=');

    const page = await agent.get('/auth/account').expect(200);
    const res = await post(agent, formWithButton(page.text, 'Sign out'), 'Sign out').expect(303);
    expect(res.headers.location).toBe('/auth/account');
    expect((res.headers['set-cookie'] as unknown as string[]).some((c) => /^ccri_session=;.*Max-Age=0/.test(c))).toBe(
      true,
    );
    const afterwards = await agent.get(authorizeUrl()).expect(200);
    expect(formWithButton(afterwards.text, 'Sign in').action).toBe('/auth/authorize/sign-in');
    const replayed = await request(t.app.getHttpServer())
      .get(authorizeUrl())
      .set('Cookie', `ccri_csrf=${'a'.repeat(43)}; ccri_session=${session}`)
      .expect(200);
    expect(formWithButton(replayed.text, 'Sign in').action).toBe('/auth/authorize/sign-in');
    expect((await agent.get('/auth/account').expect(200)).text).toContain('<h1>Sign in</h1>');
    const audit = await ds.getRepository(AuditEventEntity).findOneBy({ action: 'account.sign-out', actor: username });
    expect(audit).toMatchObject({ outcome: 'success' });
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../api/src/app.factory';
import demo from '../../api/src/demo/ccri-demo-clients.json';
import { DEMO_PATIENTS } from '../../api/src/fhir/demo/demo-data';
import { launchChromium } from './support/browser';
import { freePort } from '../../api/test/support/free-port';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './support/in-process-api';
import { adminApiToken, clientCredentialsToken } from './support/journey';
import { adminDist, assertAdminBuilt, repoRoot, screenshotPath } from './support/paths';

const demoAppDist = path.join(repoRoot, 'apps/demo-app/dist');
const patientAccess = demo.clients.find((c) => c.client_id === 'patient-access')!;
const jones = DEMO_PATIENTS.find((p) => p.key === 'jones')!;
const jonesName = [...jones.given, jones.family].join(' ');
const IDP_SECRET = `e2e-idp-secret-${Date.now().toString(36)}-0123456789`;

/** People known to the stand-in provider; its development sign-in form takes any password, the login is the `sub`. */
const ACCOUNTS = {
  'fed-dev': { email: 'fed-dev@hospital.test', email_verified: true, name: 'Fed Developer' },
  'fed-patient': { email: 'fed-patient@hospital.test', email_verified: true, name: 'Fed Patient' },
  [ADMIN_USERNAME]: { email: 'root@hospital.test', email_verified: true, name: 'Root' },
  intruder: { email: 'intruder@hospital.test', email_verified: true, name: 'Intruder' },
};

/**
 * Issue 12's Must-show, in Chromium: panva's oidc-provider (a separate process on loopback, with its built-in
 * development sign-in form) stands in for Google. A developer signs in with it on the portal and registers a client
 * with "+ New Client"; a patient signs in with it during the demo app's SMART standalone launch; an administrator
 * identity not on the allow-list is refused while one on it reaches the dashboard.
 */
describe('sign in with an existing identity, in Chromium against the real API and a real OpenID provider', () => {
  let base: string;
  let close: () => Promise<void>;
  let idp: ChildProcess;
  let issuer: string;
  let browser: Browser;
  let admin: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const url = (p: string) => `${base}${p}`;

  async function api(method: string, p: string, body?: unknown): Promise<Response> {
    return fetch(url(p), {
      method,
      headers: {
        Authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function ok(response: Response, what: string): Promise<Record<string, unknown>> {
    if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** A fresh browser (no session at the provider or here). The provider's page asks for a web font: never fetched. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    await context.route(/^https:\/\/fonts\.(googleapis|gstatic)\.com\//, (route) => route.abort());
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  /** The provider's development sign-in form, then its consent form when it asks. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.waitForURL((u) => u.href.startsWith(issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any-password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL((u) => !u.href.startsWith(issuer) || u.pathname.startsWith('/interaction/'));
    const consent = page.getByRole('button', { name: 'Continue' });
    if (page.url().startsWith(issuer) && (await consent.count()) > 0) await consent.click();
    await page.waitForURL((u) => !u.href.startsWith(issuer));
  }

  beforeAll(async () => {
    assertAdminBuilt();
    if (!existsSync(path.join(demoAppDist, 'index.html')))
      throw new Error(
        'apps/demo-app/dist/index.html is missing: build the demo app first (`npx nx run demo-app:build`).',
      );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;

    idp = fork(path.join(repoRoot, 'apps/api/test/support/test-oidc-provider.mjs'), [], {
      env: {
        ...process.env,
        OIDC_TEST_CONFIG: JSON.stringify({
          clients: [
            {
              client_id: 'ccri',
              client_secret: IDP_SECRET,
              redirect_uris: [`${base}/auth/federation/test-idp/callback`],
              token_endpoint_auth_method: 'client_secret_post',
            },
          ],
          accounts: ACCOUNTS,
        }),
      },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    issuer = await new Promise<string>((resolve, reject) => {
      idp.once('message', (m) => resolve((m as { issuer: string }).issuer));
      idp.once('exit', (code) => reject(new Error(`test OpenID provider exited (${code})`)));
    });

    const { app } = await createApp({
      DATABASE_URL: 'sqlite::memory:',
      NODE_ENV: 'test',
      DEMO_MODE: 'true',
      PUBLIC_URL: base,
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: adminDist,
      DEMO_APP_STATIC_DIR: demoAppDist,
      OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'test-idp',
          name: 'Test IdP',
          issuer,
          client_id: 'ccri',
          client_secret: IDP_SECRET,
          audiences: ['users', 'developers', 'admins'],
          link_by_verified_email: true,
          auto_create: true,
          // By subject: this identity signs in as the administrator of that name.
          admin_allow_list: [ADMIN_USERNAME],
        },
      ]),
    });
    await app.listen(port, '127.0.0.1');
    close = () => app.close();
    browser = await launchChromium();

    admin = await adminApiToken(base);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await close?.();
    if (idp?.pid) process.kill(idp.pid);
  });

  it('a developer signs in with the provider on the portal, registers a client with "+ New Client", sees the secret once, and gets a token with it', async () => {
    const settings = await ok(await api('GET', '/api/settings/registration'), 'registration settings');
    await ok(
      await api('PUT', '/api/settings/registration', {
        policy: 'open-with-approval',
        self_service_scopes: [...(settings.self_service_scopes as string[]), 'system/Patient.read'],
      }),
      'opening registration',
    );

    const page = await newPage();
    await page.goto(url('/admin/portal/login'));
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await signInAtProvider(page, 'fed-dev');

    // Back in the portal, signed in as the account federation created; the one-time code left the address bar.
    await page.getByRole('heading', { level: 1, name: 'My clients' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/portal/clients');
    expect(page.url()).not.toContain('federation_code');
    await page.getByText('fed-dev@hospital.test').first().waitFor();
    await page.screenshot({ path: screenshotPath('federation-portal-signed-in'), fullPage: true });

    await page.getByRole('link', { name: '+ New Client' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Federated Lab');
    await page.getByRole('checkbox', { name: 'system/Patient.read' }).check();
    await page.getByRole('button', { name: 'Register client' }).click();
    await page.getByRole('heading', { level: 1, name: 'Client registered' }).waitFor();
    const clientId = await page.getByLabel('Client ID').inputValue();
    const secret = await page.getByLabel('Client secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);

    // Shown once: not on the client's page afterwards.
    await page.getByRole('link', { name: 'Back to my clients' }).click();
    await page.getByRole('list', { name: 'My clients' }).getByRole('link', { name: 'Federated Lab' }).click();
    await page.getByRole('heading', { level: 1, name: 'Federated Lab' }).waitFor();
    expect(await page.getByText(secret).count()).toBe(0);

    // Registration waits for approval (the policy chosen above); once approved, the secret gets a token (Basic).
    await ok(await api('POST', `/api/clients/${encodeURIComponent(clientId)}/approve`), 'approving the client');
    const token = await clientCredentialsToken(base, clientId, secret, 'system/Patient.read');
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    expect((await fetch(url('/fhir/Patient'), { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(
      200,
    );
  });

  it('a person signs in with the provider during a SMART standalone launch, and the app receives their linked patient', async () => {
    const token = await clientCredentialsToken(
      base,
      patientAccess.client_id,
      patientAccess.client_secret,
      'patient/Patient.read',
    );
    const bearer = `Bearer ${((await token.json()) as { access_token: string }).access_token}`;
    const search = await fetch(
      url(`/fhir/Patient?identifier=${encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${jones.nhsNumber}`)}`),
      { headers: { Authorization: bearer } },
    );
    const jonesId = ((await search.json()) as { entry: { resource: { id: string } }[] }).entry[0].resource.id;
    // The local account the provider's verified e-mail links to on first sign-in.
    await ok(
      await api('POST', '/api/users', {
        username: 'fed-patient',
        display_name: jonesName,
        email: 'fed-patient@hospital.test',
        role: 'patient',
        fhir_user: `Patient/${jonesId}`,
        password: 'fed-patient-password-0123',
      }),
      'the patient user',
    );

    const page = await newPage();
    await page.goto(url('/demo-app/'));
    await page.getByRole('button', { name: 'Launch (standalone)' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/auth/'));
    await page.screenshot({ path: screenshotPath('federation-smart-sign-in'), fullPage: true });
    await page.getByRole('button', { name: 'Sign in with Test IdP' }).click();
    await signInAtProvider(page, 'fed-patient');

    // This server's consent page, then the app with the linked patient in context.
    await page.getByRole('button', { name: 'Allow' }).click();
    const banner = page.getByRole('region', { name: 'Patient banner' });
    await banner.getByRole('heading', { level: 1, name: jonesName }).waitFor();
    await page.screenshot({ path: screenshotPath('federation-smart-app'), fullPage: true });
  });

  it('refuses an administrator identity not on the allow-list; one on it reaches the dashboard, which shows links and providers', async () => {
    const intruder = await newPage();
    await intruder.goto(url('/admin/login'));
    await intruder.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await signInAtProvider(intruder, 'intruder');
    await intruder.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    await intruder.getByText('Your Test IdP account may not administer this server.').waitFor();
    expect(await intruder.evaluate(() => sessionStorage.getItem('ccri.admin.session'))).toBeNull();
    await intruder.screenshot({ path: screenshotPath('federation-admin-refused'), fullPage: true });

    const page = await newPage();
    await page.goto(url('/admin/login'));
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await signInAtProvider(page, ADMIN_USERNAME);
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    await page.getByText(`Signed in as ${ADMIN_USERNAME}`).waitFor();
    expect(page.url()).not.toContain('federation_code');

    // The provider, with the callback URL to give it; its secret appears nowhere.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign-in providers' }).click();
    const table = page.getByRole('table', { name: 'Sign-in providers' });
    await table.getByText(`${base}/auth/federation/test-idp/callback`).waitFor();
    expect(await page.content()).not.toContain(IDP_SECRET);
    await page.getByRole('button', { name: 'Edit Test IdP' }).click();
    await page.getByLabel('Client secret').waitFor();
    expect(await page.getByLabel('Client secret').inputValue()).toBe('');
    await page.screenshot({ path: screenshotPath('federation-providers-edit'), fullPage: true });
    await page.getByRole('button', { name: 'Cancel' }).click();

    // The patient's link, made by the launch above, shown on the Users page and removed there.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const links = page.getByRole('list', { name: 'Linked sign-ins of fed-patient' });
    await links.getByText('fed-patient@hospital.test (test-idp)').waitFor();
    await page.screenshot({ path: screenshotPath('federation-users-links'), fullPage: true });
    await links.getByRole('button', { name: /^Unlink fed-patient@hospital\.test/ }).click();
    await page.getByRole('dialog', { name: 'Unlink sign-in' }).getByRole('button', { name: 'Unlink' }).click();
    await page.getByText('Unlinked fed-patient@hospital.test (test-idp) from fed-patient.').waitFor();
    const users = await ok(await api('GET', '/api/users?search=fed-patient'), 'the users');
    expect((users.items as { external_identities: unknown[] }[])[0].external_identities).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

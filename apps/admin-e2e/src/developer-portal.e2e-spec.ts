import type { Client, Page as ClientPage } from '@ccri/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startApi, type RunningApi } from './support/in-process-api';
import { clientCredentialsToken, horizontalOverflow, signInAsAdmin } from './support/journey';
import { assertAdminBuilt, screenshotPath } from './support/paths';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'integrator-password-0123';

/**
 * The integrator's journey of issue 5: an administrator opens self-registration; an integrator signs up in the
 * developer portal, presses "+ New Client", picks scopes from the allow-list and copies the secret shown once;
 * another integrator sees none of it; the client gets tokens once an administrator approves it.
 */
describe('the developer portal in Chromium against the real API', () => {
  let api: RunningApi;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const url = (path: string) => `${api.baseUrl}${path}`;

  async function newPage(viewport = LAPTOP, phone = false): Promise<Page> {
    const context = await browser.newContext({ viewport, isMobile: phone, hasTouch: phone });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function signUp(page: Page, email: string, name: string): Promise<void> {
    await page.goto(url('/admin/portal/signup'));
    await page.getByRole('textbox', { name: /Email address/ }).fill(email);
    await page.getByRole('textbox', { name: /^Name/ }).fill(name);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel(/^Repeat the password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { level: 1, name: 'My clients' }).waitFor();
  }

  async function portalToken(page: Page): Promise<string> {
    return page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('ccri.portal.session') ?? '{}') as { token: string }).token,
    );
  }

  beforeAll(async () => {
    assertAdminBuilt();
    api = await startApi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await api?.close();
  });

  let admin: Page;
  let alice: Page;
  let clientId = '';
  let secret = '';

  it('lets an administrator open registration with approval, offering system/Patient.read', async () => {
    admin = await newPage();
    await signInAsAdmin(admin, api.baseUrl, '/admin/settings/registration');
    await admin.getByRole('heading', { level: 1, name: 'Registration' }).waitFor();
    await admin.getByRole('radio', { name: /Open, with approval/ }).check();
    const scopes = admin.getByRole('textbox', { name: 'Self-service scopes' });
    await scopes.fill(`${await scopes.inputValue()} system/Patient.read`);
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.getByText('Saved. New registrations follow these settings now.').waitFor();
    await admin.screenshot({ path: screenshotPath('registration-settings-saved'), fullPage: true });
  });

  it('signs an integrator up, and registers a client with a scope from the allow-list; the secret is shown once', async () => {
    alice = await newPage();
    await alice.goto(url('/admin/portal/signup'));
    await alice.getByRole('button', { name: 'Create account' }).click();
    await alice.getByText('Enter your email address').waitFor();
    await alice.screenshot({ path: screenshotPath('portal-sign-up'), fullPage: true });
    await signUp(alice, 'alice@example.org', 'Alice Health');
    await alice.getByText('You have no clients yet').waitFor();

    await alice.getByRole('link', { name: '+ New Client' }).first().click();
    await alice.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    await alice.getByText('New clients wait for an administrator’s approval before they can get tokens.').waitFor();
    await alice.getByRole('textbox', { name: /^Name/ }).fill('Alice Lab');
    await alice.getByRole('checkbox', { name: 'system/Patient.read' }).check();
    await alice.screenshot({ path: screenshotPath('portal-new-client'), fullPage: true });
    await alice.getByRole('button', { name: 'Register client' }).click();

    await alice.getByRole('heading', { level: 1, name: 'Client registered' }).waitFor();
    clientId = await alice.getByLabel('Client ID').inputValue();
    secret = await alice.getByLabel('Client secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await alice.getByRole('button', { name: 'Copy secret' }).waitFor();
    await alice.getByText('Waiting for approval').waitFor();
    await alice.screenshot({ path: screenshotPath('portal-client-created'), fullPage: true });

    await alice.getByRole('link', { name: 'Back to my clients' }).click();
    const list = alice.getByRole('list', { name: 'My clients' });
    await list.getByRole('link', { name: 'Alice Lab' }).waitFor();
    expect(await alice.getByText(secret).count()).toBe(0);
    await alice.screenshot({ path: screenshotPath('portal-clients'), fullPage: true });

    // Pending: the secret does not get a token yet.
    const early = await clientCredentialsToken(api.baseUrl, clientId, secret, 'system/Patient.read');
    expect(early.status).toBe(401);
  });

  it("does not show another integrator's clients, in the page or through the API", async () => {
    const bob = await newPage();
    await signUp(bob, 'bob@example.org', 'Bob Systems');
    await bob.getByText('You have no clients yet').waitFor();
    expect(await bob.getByText('Alice Lab').count()).toBe(0);

    await bob.goto(url(`/admin/portal/clients/${encodeURIComponent(clientId)}`));
    await bob.getByRole('heading', { level: 1, name: 'Client not found' }).waitFor();
    await bob.screenshot({ path: screenshotPath('portal-other-client-not-found'), fullPage: true });

    const token = await portalToken(bob);
    const listed = await fetch(url('/api/portal/clients'), { headers: { Authorization: `Bearer ${token}` } });
    expect(((await listed.json()) as ClientPage<Client>).items).toEqual([]);
    for (const [method, path] of [
      ['GET', `/api/portal/clients/${clientId}`],
      ['DELETE', `/api/portal/clients/${clientId}`],
      ['POST', `/api/portal/clients/${clientId}/secret`],
    ] as const) {
      expect((await fetch(url(path), { method, headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
    }
  });

  it('lets the administrator approve it from the Pending filter; then the secret gets a token', async () => {
    await admin.goto(url('/admin/clients'));
    await admin.getByRole('button', { name: 'Pending approval (1)' }).click();
    await admin.waitForURL(/[?&]status=pending/);
    await admin.getByRole('table', { name: 'Clients' }).getByText('Registered in the developer portal').waitFor();
    await admin.screenshot({ path: screenshotPath('clients-pending'), fullPage: true });
    await admin.getByRole('button', { name: 'Actions for Alice Lab' }).click();
    await admin.getByRole('menuitem', { name: 'Approve' }).click();
    await admin.getByText('Approved Alice Lab.').waitFor();

    const response = await clientCredentialsToken(api.baseUrl, clientId, secret, 'system/Patient.read');
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    expect((await fetch(url('/fhir/Patient'), { headers: { Authorization: `Bearer ${access_token}` } })).status).toBe(
      200,
    );

    // The integrator sees the approval after signing in again.
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await alice.getByText('You have signed out.').waitFor();
    await alice.getByRole('textbox', { name: /Email address/ }).fill('alice@example.org');
    await alice.getByLabel(/^Password/).fill(PASSWORD);
    await alice.screenshot({ path: screenshotPath('portal-sign-in'), fullPage: true });
    await alice.getByRole('button', { name: 'Sign in' }).click();
    await alice.getByRole('list', { name: 'My clients' }).getByText('active', { exact: true }).waitFor();
    await alice.getByRole('link', { name: 'Alice Lab' }).click();
    await alice.getByRole('heading', { level: 1, name: 'Alice Lab' }).waitFor();
    await alice.screenshot({ path: screenshotPath('portal-client'), fullPage: true });
  });

  it('is readable on a phone', async () => {
    const phone = await newPage(PHONE, true);
    await phone.goto(url('/admin/portal/login'));
    await phone.getByRole('textbox', { name: /Email address/ }).fill('alice@example.org');
    await phone.getByLabel(/^Password/).fill(PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.getByRole('list', { name: 'My clients' }).waitFor();
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: screenshotPath('portal-clients-phone'), fullPage: true });
    await phone.getByRole('link', { name: '+ New Client' }).first().click();
    await phone.getByRole('checkbox', { name: 'system/Patient.read' }).waitFor();
    expect(await horizontalOverflow(phone)).toBeLessThanOrEqual(0);
    expect(pageErrors).toEqual([]);
  });
});

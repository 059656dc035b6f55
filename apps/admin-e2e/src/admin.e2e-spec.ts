import type { Client, Page as ClientPage } from '@ccri/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startApi, type RunningApi } from './support/in-process-api';
import { assertAdminBuilt, screenshotPath } from './support/paths';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('admin dashboard in Chromium against the real API', () => {
  let api: RunningApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const url = (path: string) => `${api.baseUrl}${path}`;

  async function signIn(password: string): Promise<void> {
    await page.getByLabel('Username').fill(ADMIN_USERNAME);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** The table rows (without the header row) as their client ids. */
  async function listedClientIds(): Promise<string[]> {
    const table = page.getByRole('table', { name: 'Clients' });
    await table.waitFor();
    return table.locator('tbody tr td:first-child').allInnerTexts();
  }

  beforeAll(async () => {
    assertAdminBuilt();
    api = await startApi();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  beforeEach(async () => {
    pageErrors.length = 0;
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterEach(async () => {
    await context?.close();
  });

  it('serves the dashboard under /admin/ and sends a signed-out visitor to sign in', async () => {
    const response = await page.goto(url('/admin/'));

    expect(response?.status()).toBe(200);
    await page.getByRole('heading', { name: 'CCRI Admin' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.title()).toBe('Sign in · CCRI Admin');
    expect(pageErrors).toEqual([]);
  });

  it('refuses a wrong password with a readable message', async () => {
    await page.goto(url('/admin/login'));

    await signIn('not-the-password');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Wrong username or password.');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.screenshot({ path: screenshotPath('sign-in-wrong-password'), fullPage: true });
  });

  it('signs in, lists, creates (secret shown once), searches and signs out', async () => {
    await page.goto(url('/admin/clients'));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.screenshot({ path: screenshotPath('sign-in'), fullPage: true });

    // Sign in with the bootstrap administrator; the page asked for comes back.
    await signIn(ADMIN_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/clients');
    expect(await page.title()).toBe('Clients · CCRI Admin');
    const before = await page.getByText(/^(\d+–\d+ of \d+ clients?|No clients yet)$/).innerText();
    await page.screenshot({ path: screenshotPath('clients'), fullPage: true });

    // Create a client.
    await page.getByRole('link', { name: 'New client' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByText('Enter a name').waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill('E2E Lab System');
    await page.getByRole('textbox', { name: /Allowed scopes/ }).fill('system/Observation.rs system/Patient.read');
    await page.screenshot({ path: screenshotPath('new-client'), fullPage: true });
    await page.getByRole('button', { name: 'Create client' }).click();

    await page.getByRole('heading', { level: 1, name: 'Client created' }).waitFor();
    const clientId = await page.getByLabel('Client ID').inputValue();
    const secret = await page.getByLabel('Client secret').inputValue();
    expect(clientId).not.toBe('');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await page.getByRole('button', { name: 'Copy secret' }).waitFor();
    await page.screenshot({ path: screenshotPath('client-created'), fullPage: true });

    // The secret shown is the real one: it gets a token (RFC 6749 §4.4, client_secret_basic per §2.3.1).
    const tokenResponse = await fetch(url('/auth/token'), {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=system%2FObservation.rs',
    });
    expect(tokenResponse.status).toBe(200);
    expect(await tokenResponse.json()).toMatchObject({ token_type: 'Bearer', scope: 'system/Observation.rs' });

    // The server keeps no readable copy: the client as read back has no secret.
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('ccri.admin.session') ?? '{}') as { token?: string }).token,
    );
    const readBack = await fetch(url(`/api/clients/${encodeURIComponent(clientId)}`), {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(readBack.status).toBe(200);
    const stored = (await readBack.json()) as Client & { client_secret?: string };
    expect(stored).toMatchObject({
      client_id: clientId,
      client_name: 'E2E Lab System',
      scope: 'system/Observation.rs system/Patient.read',
    });
    expect(stored.client_secret).toBeUndefined();

    // Back on the list, the secret is gone and the new client is counted.
    await page.getByRole('link', { name: 'Back to clients' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    expect(await page.getByText(secret).count()).toBe(0);
    // The cached list shows first and is refetched behind it: wait for the new row rather than read the old page.
    await page.getByRole('table', { name: 'Clients' }).getByText(clientId, { exact: true }).waitFor();
    expect(await listedClientIds()).toContain(clientId);
    expect(await page.getByText(/^\d+–\d+ of \d+ clients?$/).innerText()).not.toBe(before);

    // Search narrows the list (and lands in the URL).
    await page.getByRole('searchbox', { name: 'Search clients' }).fill('E2E Lab');
    await page.waitForURL(/[?&]search=E2E(\+|%20)Lab/);
    await page.getByText('1–1 of 1 client').waitFor();
    expect(await listedClientIds()).toEqual([clientId]);
    await page.screenshot({ path: screenshotPath('clients-search'), fullPage: true });

    // A deep link reloads through the API's fallback to index.html, and the session survives the reload.
    await page.reload();
    await page.getByText('1–1 of 1 client').waitFor();
    expect(await page.getByRole('searchbox', { name: 'Search clients' }).inputValue()).toBe('E2E Lab');

    // The same list through the API agrees with the page.
    const viaApi = await fetch(url('/api/clients?search=E2E%20Lab'), { headers: { Authorization: `Bearer ${token}` } });
    expect(((await viaApi.json()) as ClientPage<Client>).items.map((c) => c.client_id)).toEqual([clientId]);

    // Signing out forgets the token.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await page.title()).toBe('Sign in · CCRI Admin');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('is readable on a phone', async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      page = await phone.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(url('/admin/login'));
      await signIn(ADMIN_PASSWORD);
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      await page.getByRole('list', { name: 'Clients' }).or(page.getByText('No clients yet')).waitFor();
      expect(await page.getByRole('table').count()).toBe(0);

      // A card per client: nothing is wider than the screen.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: screenshotPath('clients-phone'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

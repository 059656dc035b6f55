import type { Client } from '@ccri/contracts';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { startApi, type RunningApi } from './support/in-process-api';
import {
  adminSessionToken,
  clientCredentialsToken,
  horizontalOverflow,
  jwtClaims,
  signInAsAdmin,
} from './support/journey';
import { assertAdminBuilt, screenshotPath } from './support/paths';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/**
 * The administrator's journey of issue 5: create a client, watch a token it got from /auth/token (outside the
 * browser) in the live list, revoke it in the dashboard, see /fhir refuse it, and find the revocation in the audit.
 */
describe('revoking a token in the dashboard, in Chromium against the real API', () => {
  let api: RunningApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const url = (path: string) => `${api.baseUrl}${path}`;

  beforeAll(async () => {
    assertAdminBuilt();
    api = await startApi();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: LAPTOP });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
  });

  let clientId = '';
  let secret = '';
  let accessToken = '';
  let jti = '';

  it('signs in and creates a client, whose secret gets a token outside the browser', async () => {
    await signInAsAdmin(page, api.baseUrl);
    await page.getByRole('link', { name: 'New client' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New client' }).waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Journey Lab');
    await page.getByRole('textbox', { name: /Allowed scopes/ }).fill('system/Patient.read');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByRole('heading', { level: 1, name: 'Client created' }).waitFor();
    clientId = await page.getByLabel('Client ID').inputValue();
    secret = await page.getByLabel('Client secret').inputValue();

    const response = await clientCredentialsToken(api.baseUrl, clientId, secret, 'system/Patient.read');
    expect(response.status).toBe(200);
    accessToken = ((await response.json()) as { access_token: string }).access_token;
    jti = String(jwtClaims(accessToken).jti);
    const fhir = await fetch(url('/fhir/Patient'), { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(fhir.status).toBe(200);
  });

  it('edits the client on its page', async () => {
    await page.goto(url(`/admin/clients/${encodeURIComponent(clientId)}`));
    await page.getByRole('heading', { level: 1, name: 'Journey Lab' }).waitFor();
    const form = page.getByRole('form', { name: 'Edit client' });
    await form.getByRole('textbox', { name: /Token lifetime/ }).fill('30');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByText('Enter whole seconds from 60 to 86400, or leave it empty').waitFor();
    await form.getByRole('textbox', { name: /Token lifetime/ }).fill('900');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('client-edit'), fullPage: true });

    const stored = await fetch(url(`/api/clients/${encodeURIComponent(clientId)}`), {
      headers: { Authorization: `Bearer ${await adminSessionToken(page)}` },
    });
    expect(((await stored.json()) as Client).token_ttl_seconds).toBe(900);
  });

  it('lists the live token for the client and revokes it after confirmation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens and keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tokens and keys' }).waitFor();
    await page.getByRole('textbox', { name: 'Client ID' }).fill(clientId);
    await page.waitForURL(/[?&]client_id=/);
    const revoke = page.getByRole('button', { name: `Revoke token ${jti}` });
    await revoke.waitFor();
    await page.screenshot({ path: screenshotPath('tokens-and-keys'), fullPage: true });

    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke token' });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath('revoke-token-dialog') });
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText(/^Revoked token .* of /).waitFor();
    await page.getByText('This client has no live tokens').waitFor();
  });

  it('has FHIR refuse the revoked token', async () => {
    const fhir = await fetch(url('/fhir/Patient'), { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(fhir.status).toBe(401);
    expect(fhir.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(((await fhir.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });

  it('shows the revocation and the refusal in the audit view, with a chart and a detail view', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit' }).waitFor();

    // FHIR's refusal of the revoked token, among the denials.
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('denied');
    await page.getByRole('combobox', { name: 'Category or resource type' }).fill('fhir');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]outcome=denied/);
    const table = page.getByRole('table', { name: 'Audit records' });
    const refusal = table.getByRole('row').filter({ hasText: 'revoked' });
    await refusal.first().waitFor();
    expect(await refusal.first().innerText()).toMatch(/Patient/);
    await page
      .getByRole('img', { name: /^Requests and denials, last 24 hours: ([1-9]\d*) requests, \1 denied$/ })
      .waitFor();
    await page.screenshot({ path: screenshotPath('audit'), fullPage: true });

    // The administrator's revocation, by category.
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('');
    await page.getByRole('combobox', { name: 'Category or resource type' }).fill('admin');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/[?&]type=admin/);
    const revocation = table.getByRole('row').filter({ hasText: 'token.revoke' });
    await revocation.first().waitFor();
    await revocation
      .first()
      .getByRole('button', { name: /^Details of token\.revoke/ })
      .click();
    const drawer = page.getByRole('dialog', { name: 'Audit record' });
    await drawer.getByText(jti, { exact: true }).waitFor();
    expect(await drawer.getByText('e2e-admin', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('audit-detail') });
    await drawer.getByRole('button', { name: 'Close details' }).click();
    await drawer.waitFor({ state: 'hidden' });
  });

  it('rotates the signing key after confirmation', async () => {
    await page.goto(url('/admin/tokens'));
    const keys = page.getByRole('table', { name: 'Signing keys' });
    await keys.getByRole('row').nth(1).waitFor();
    const before = await keys.getByRole('row').count();
    await page.getByRole('button', { name: 'Rotate signing key…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate the signing key' });
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByText(/^New signing key .* is active/).waitFor();
    await keys.getByRole('row').nth(before).waitFor();
    expect(await keys.getByText('retired').count()).toBeGreaterThanOrEqual(1);
  });

  it('shows the scope catalog and the registration settings', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Scopes' }).click();
    await page.getByRole('table', { name: 'Scopes' }).getByText('system/Patient.read', { exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('scopes'), fullPage: true });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registration' }).click();
    await page.getByRole('radio', { name: /^Closed/ }).waitFor();
    await page.getByRole('heading', { name: 'Initial access tokens' }).waitFor();
    await page.screenshot({ path: screenshotPath('registration-settings'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('is readable on a phone, page by page', async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    try {
      const small = await phone.newPage();
      small.on('pageerror', (error) => pageErrors.push(error.message));
      await signInAsAdmin(small, api.baseUrl, '/admin/tokens');
      for (const [path, ready, name] of [
        ['/admin/tokens', 'Signing keys', 'tokens-phone'],
        ['/admin/audit', 'Audit records', 'audit-phone'],
        ['/admin/scopes', 'Scopes', 'scopes-phone'],
      ] as const) {
        await small.goto(url(path));
        await small.getByRole('list', { name: ready }).first().waitFor();
        expect(await horizontalOverflow(small)).toBeLessThanOrEqual(0);
        await small.screenshot({ path: screenshotPath(name), fullPage: true });
      }
      // The navigation folds behind a button on a phone.
      await small.getByRole('button', { name: 'Open navigation' }).click();
      await small.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registration' }).click();
      await small.getByRole('heading', { level: 1, name: 'Registration' }).waitFor();
      expect(await horizontalOverflow(small)).toBeLessThanOrEqual(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

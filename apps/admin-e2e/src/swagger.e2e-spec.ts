import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../api/src/app.factory';
import demo from '../../api/src/demo/ccri-demo-clients.json';
import { launchChromium } from './support/browser';
import { freePort } from '../../api/test/support/free-port';

const patientAccess = demo.clients.find((c) => c.client_id === 'patient-access')!;
const screenshots = join(__dirname, '../../../test-output/screenshots');

// An integrator's first steps: Swagger UI's "Authorize" gets a token with the client credentials grant, and
// "Try it out" on a FHIR route succeeds with it.
describe('Swagger UI in Chromium against the real API', () => {
  let close: () => Promise<void>;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { app } = await createApp({
      DATABASE_URL: 'sqlite::memory:',
      NODE_ENV: 'test',
      DEMO_MODE: 'true',
      PUBLIC_URL: base,
      ADMIN_STATIC_DIR: '',
      ADMIN_PASSWORD: 'swagger-admin-password-0123',
    });
    await app.listen(port, '127.0.0.1');
    close = () => app.close();
    browser = await launchChromium();
    page = await browser.newPage();
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('authorizes with client credentials and runs a FHIR search', async () => {
    await page.goto(`${base}/api/docs`);
    await page.locator('button.authorize').first().click();
    const smart = page.locator('.auth-container').filter({ hasText: 'clientCredentials' }).first();
    await smart.locator('input[id^="client_id"]').fill(patientAccess.client_id);
    await smart.locator('input[id^="client_secret"]').fill(patientAccess.client_secret);
    await page.screenshot({ path: join(screenshots, 'swagger-authorize.png') });
    await smart.locator('.auth-btn-wrapper button', { hasText: /^Authorize$/ }).click();
    await smart.locator('.auth-btn-wrapper button', { hasText: /^Logout$/ }).waitFor();
    await page.locator('.modal-ux button.btn-done').first().click();

    const search = page
      .locator('.opblock-get')
      .filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/fhir\/\{type\}$/ }) })
      .first();
    await search.locator('.opblock-summary').click();
    await search.getByRole('button', { name: 'Try it out' }).click();
    await search.locator('input[placeholder="type"]').fill('Patient');
    await search.getByRole('button', { name: 'Execute' }).click();
    const status = search.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    await status.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'swagger-try-it-out.png'), fullPage: false });
    expect((await status.textContent())?.trim()).toBe('200');
    expect(await search.locator('.live-responses-table .microlight').first().textContent()).toContain(
      '"resourceType": "Bundle"',
    );
  });
});

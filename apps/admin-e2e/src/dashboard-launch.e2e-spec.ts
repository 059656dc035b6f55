import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../api/src/app.factory';
import { DEMO_PATIENTS } from '../../api/src/fhir/demo/demo-data';
import { launchChromium } from './support/browser';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './support/in-process-api';
import { freePort } from '../../api/test/support/free-port';
import { adminApiToken, clientCredentialsToken, signInAsAdmin } from './support/journey';
import { adminDist, assertAdminBuilt, repoRoot, screenshotPath } from './support/paths';

const demoAppDist = path.join(repoRoot, 'apps/demo-app/dist');
// Not the demo patient user's own record: the banner must show whom the administrator picked.
const khan = DEMO_PATIENTS.find((p) => p.key === 'khan')!;
const khanName = [...khan.given, khan.family].join(' ');
const khanNhs = `${khan.nhsNumber.slice(0, 3)} ${khan.nhsNumber.slice(3, 6)} ${khan.nhsNumber.slice(6)}`;
const PRACTITIONER = { username: 'e2e-launch-practitioner', password: 'e2e-launch-practitioner-password-0123' };

/**
 * SMART App Launch 2.2 EHR launch started where an EHR user would start it: the administrator opens the demo SMART
 * app's client in the dashboard, presses "Launch…", picks a patient, and the app opens in a new tab at its launch
 * URL; a practitioner signs in at the authorization server, consents, and the app shows the picked patient.
 */
describe('an EHR launch from the dashboard, in Chromium against the real API', () => {
  let base: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const url = (p: string) => `${base}${p}`;

  async function expectCreated(response: Response, what: string): Promise<Record<string, unknown>> {
    if (response.status !== 201) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    assertAdminBuilt();
    if (!existsSync(path.join(demoAppDist, 'index.html'))) {
      throw new Error(
        'apps/demo-app/dist/index.html is missing: build the demo app first (`npx nx run demo-app:build`).',
      );
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const { app } = await createApp({
      DATABASE_URL: 'sqlite::memory:',
      NODE_ENV: 'test',
      DEMO_MODE: 'true',
      // The launch URL's `iss` and the app's redirect URI are built from PUBLIC_URL.
      PUBLIC_URL: base,
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: adminDist,
      DEMO_APP_STATIC_DIR: demoAppDist,
    });
    await app.listen(port, '127.0.0.1');
    close = () => app.close();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.on('page', (p) => p.on('pageerror', (error) => pageErrors.push(`${p.url()}: ${error.message}`)));
    page = await context.newPage();

    // The practitioner who will use the app: a Practitioner resource and a user who is it (set up through the API).
    const admin = `Bearer ${await adminApiToken(base)}`;
    const json = { 'Content-Type': 'application/json' };
    const writer = await expectCreated(
      await fetch(url('/api/clients'), {
        method: 'POST',
        headers: { ...json, Authorization: admin },
        body: JSON.stringify({ client_name: 'e2e practitioner writer', scope: 'system/Practitioner.cu' }),
      }),
      'a client that writes Practitioners',
    );
    const token = await clientCredentialsToken(
      base,
      String(writer.client_id),
      String(writer.client_secret),
      'system/Practitioner.cu',
    );
    const practitioner = await expectCreated(
      await fetch(url('/fhir/Practitioner'), {
        method: 'POST',
        headers: {
          'Content-Type': 'application/fhir+json',
          Authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}`,
        },
        body: JSON.stringify({
          resourceType: 'Practitioner',
          name: [{ family: 'Evans', given: ['Rhys'], prefix: ['Dr'] }],
        }),
      }),
      'the Practitioner',
    );
    await expectCreated(
      await fetch(url('/api/users'), {
        method: 'POST',
        headers: { ...json, Authorization: admin },
        body: JSON.stringify({
          username: PRACTITIONER.username,
          display_name: 'Dr Rhys Evans',
          role: 'practitioner',
          fhir_user: `Practitioner/${String(practitioner.id)}`,
          password: PRACTITIONER.password,
        }),
      }),
      'the practitioner user',
    );
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await close?.();
  });

  it('launches the demo app for a picked patient, and a practitioner sees that patient after consenting', async () => {
    await signInAsAdmin(page, base, '/admin/clients');
    await page.getByRole('link', { name: 'CCRI demo SMART app' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'CCRI demo SMART app' }).waitFor();
    await page.getByRole('button', { name: 'Launch…' }).click();

    const dialog = page.getByRole('dialog', { name: 'Launch the app' });
    await dialog.getByRole('searchbox', { name: /^Search patients/ }).fill(khan.family);
    const matches = dialog.getByRole('list', { name: 'Matching patients' });
    await matches.getByRole('button', { name: new RegExp(khanName) }).click();
    await dialog.getByRole('group', { name: 'Chosen patient' }).getByText(khanName).waitFor();
    expect(await dialog.getByRole('group', { name: 'Chosen patient' }).innerText()).toContain(khan.birthDate);

    // The dashboard opens the launch URL in a new tab (window.open); the same link stays in the dialog.
    const [appPage] = await Promise.all([
      context.waitForEvent('page', { timeout: 30_000 }),
      dialog.getByRole('button', { name: 'Launch', exact: true }).click(),
    ]);
    const launched = dialog.getByRole('status');
    await launched.getByText('The app opened in a new tab.', { exact: false }).waitFor();
    const link = launched.getByRole('link');
    const shownLink = await link.getAttribute('href');
    // The long single-use link wraps inside the dialog rather than running off its edge.
    const [linkBox, dialogBox] = [await link.boundingBox(), await dialog.boundingBox()];
    expect(linkBox!.x + linkBox!.width).toBeLessThanOrEqual(dialogBox!.x + dialogBox!.width);
    expect(await launched.innerText()).toMatch(/open it here within \d+ minutes; the link works once\./);
    const launchUrl = new URL(shownLink!);
    // SMART App Launch 2.2 §EHR launch: the app's launch_uri with `iss` (this FHIR server) and `launch`.
    expect(launchUrl.origin + launchUrl.pathname).toBe(url('/demo-app/launch.html'));
    expect(launchUrl.searchParams.get('iss')).toBe(url('/fhir'));
    expect(launchUrl.searchParams.get('launch')).toBeTruthy();
    await page.screenshot({ path: screenshotPath('dashboard-launch'), fullPage: true });

    // In the new tab: the app redirects to the authorization server, where the practitioner signs in and consents.
    await appPage.waitForURL((u) => u.pathname.startsWith('/auth/'), { timeout: 30_000 });
    await appPage.getByLabel('Username').fill(PRACTITIONER.username);
    await appPage.getByLabel(/^Password/).fill(PRACTITIONER.password);
    await appPage.getByRole('button', { name: 'Sign in' }).click();
    await appPage.getByRole('checkbox', { name: /^launch\b/ }).waitFor();
    expect(await appPage.getByRole('checkbox', { name: /^launch\b/ }).isChecked()).toBe(true);
    await appPage.getByRole('button', { name: 'Allow' }).click();

    const banner = appPage.getByRole('region', { name: 'Patient banner' });
    await banner.getByRole('heading', { level: 1, name: khanName }).waitFor({ timeout: 30_000 });
    expect(await banner.getByTestId('patient-birth-date').innerText()).toBe(khan.birthDate);
    expect(await banner.getByTestId('patient-gender').innerText()).toBe('Male');
    expect(await banner.getByTestId('patient-nhs-number').innerText()).toBe(khanNhs);
    expect((await appPage.getByTestId('granted-scope').innerText()).split(/\s+/)).toContain('launch');
    await appPage.screenshot({ path: screenshotPath('dashboard-launch-app'), fullPage: true });

    // The launch id works once: the link the dialog still shows now brings the app back with an error, no record.
    const [again] = await Promise.all([context.waitForEvent('page', { timeout: 30_000 }), link.click()]);
    const refused = again.getByRole('alert');
    await refused.getByRole('heading', { name: 'Access was not granted' }).waitFor({ timeout: 30_000 });
    expect(await refused.innerText()).toContain('The sign-in request was not valid.');
    expect(await again.getByRole('region', { name: 'Patient banner' }).count()).toBe(0);

    expect(pageErrors).toEqual([]);
  });
});

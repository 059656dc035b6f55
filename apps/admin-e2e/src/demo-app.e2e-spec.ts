import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../api/src/app.factory';
import demo from '../../api/src/demo/ccri-demo-clients.json';
import { DEMO_PATIENTS } from '../../api/src/fhir/demo/demo-data';
import { launchChromium } from './support/browser';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './support/in-process-api';
import { adminApiToken, clientCredentialsToken } from './support/journey';
import { repoRoot, screenshotPath } from './support/paths';
import { freePort } from '../../api/test/support/free-port';

const demoAppDist = path.join(repoRoot, 'apps/demo-app/dist');
const patientAccess = demo.clients.find((c) => c.client_id === 'patient-access')!;
const jones = DEMO_PATIENTS.find((p) => p.key === 'jones')!;
const jonesName = [...jones.given, jones.family].join(' ');
const jonesNhs = `${jones.nhsNumber.slice(0, 3)} ${jones.nhsNumber.slice(3, 6)} ${jones.nhsNumber.slice(6)}`;
const PATIENT = { username: 'e2e-patient', password: 'e2e-patient-password-0123' };
const PRACTITIONER = { username: 'e2e-practitioner', password: 'e2e-practitioner-password-0123' };

/** Signs in on the server's sign-in page (DESIGN.md: "Username", "Password", "Sign in"). */
async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The demo SMART app (apps/demo-app, built) in Chromium against the real API in demo mode: a patient's standalone
 * launch with PKCE, a consent that shares less than the app asked for, the granted scope and a token refresh; a
 * denial; and an EHR launch by a practitioner.
 */
describe('the demo SMART app in Chromium against the real API', () => {
  let base: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let admin: string;
  let jonesId: string;
  const pageErrors: string[] = [];
  const url = (p: string) => `${base}${p}`;

  async function api(method: string, p: string, body?: unknown, auth = `Bearer ${admin}`): Promise<Response> {
    return fetch(url(p), {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function expectCreated(response: Response, what: string): Promise<Record<string, unknown>> {
    if (response.status !== 201) throw new Error(`${what}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { context, page };
  }

  beforeAll(async () => {
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
      // The app's origin is the issuer: its redirect URI and `iss` are built from PUBLIC_URL.
      PUBLIC_URL: base,
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: '',
      DEMO_APP_STATIC_DIR: demoAppDist,
    });
    await app.listen(port, '127.0.0.1');
    close = () => app.close();
    browser = await launchChromium();

    admin = await adminApiToken(base);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  describe('on its own pages', () => {
    it('shows an authorization error readably, whatever brought the person back', async () => {
      const { context, page } = await newPage();
      try {
        await page.goto(url('/demo-app/?error=access_denied&error_description=The+user+said+no&state=abc'));
        const alert = page.getByRole('alert');
        await alert.getByRole('heading', { name: 'Access was not granted' }).waitFor();
        expect(await alert.innerText()).toContain('You denied access, so the app cannot show your record.');
        await page.getByRole('button', { name: 'Launch (standalone)' }).waitFor();
        expect(page.url()).not.toContain('error=');

        // RFC 9207 §2.4: a code said to come from another issuer is never redeemed.
        await page.goto(url('/demo-app/?code=abc&state=abc&iss=https%3A%2F%2Fevil.example'));
        await page
          .getByRole('alert')
          .getByText(/unexpected server \(https:\/\/evil\.example\)/)
          .waitFor();
        expect(page.url()).not.toContain('code=');
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('refuses an EHR launch from another FHIR server, and explains an EHR launch without its parameters', async () => {
      const { context, page } = await newPage();
      try {
        await page.goto(url('/demo-app/launch.html?iss=https%3A%2F%2Fevil.example%2Ffhir&launch=x'));
        await page.getByRole('alert').getByRole('heading', { name: 'Unknown FHIR server' }).waitFor();
        expect(page.url()).toContain('/demo-app/launch.html');
        await page.goto(url('/demo-app/launch.html'));
        await page.getByRole('alert').getByRole('heading', { name: 'This page is opened by the EHR' }).waitFor();
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });

  // Needs the authorization endpoint, its sign-in and consent pages, the code and refresh grants, /api/users and
  // /api/launches (DESIGN.md §People and apps acting for them).
  describe('through the authorization server', () => {
    beforeAll(async () => {
      // The demo patient, found by NHS number with the CCRI's Postman client.
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
      const bundle = (await search.json()) as { entry?: { resource: { id: string } }[] };
      jonesId = bundle.entry![0].resource.id;

      await expectCreated(
        await api('POST', '/api/users', {
          username: PATIENT.username,
          display_name: jonesName,
          role: 'patient',
          fhir_user: `Patient/${jonesId}`,
          password: PATIENT.password,
        }),
        'the patient user',
      );
    });

    it('launches standalone, shares less than asked, shows the patient and the granted scope, and refreshes', async () => {
      const { context, page } = await newPage();
      try {
        await page.goto(url('/demo-app/'));
        await page.getByRole('button', { name: 'Launch (standalone)' }).click();

        // The server's sign-in page, then its consent page.
        await page.waitForURL((u) => u.pathname.startsWith('/auth/'));
        await signIn(page, PATIENT);
        const unchecked = page.getByRole('checkbox', { name: /^patient\/MedicationStatement\.rs/ });
        await unchecked.waitFor();
        expect(await unchecked.isChecked()).toBe(true);
        await unchecked.uncheck();
        await page.screenshot({ path: screenshotPath('demo-app-consent'), fullPage: true });
        await page.getByRole('button', { name: 'Allow' }).click();

        // Back in the app: the patient banner, the record, and what was granted.
        const banner = page.getByRole('region', { name: 'Patient banner' });
        await banner.getByRole('heading', { level: 1, name: jonesName }).waitFor();
        expect(await banner.getByTestId('patient-birth-date').innerText()).toBe(jones.birthDate);
        expect(await banner.getByTestId('patient-gender').innerText()).toBe('Female');
        expect(await banner.getByTestId('patient-nhs-number').innerText()).toBe(jonesNhs);
        // RFC 9700 §4.2.4: the code does not stay in the address bar.
        expect(page.url()).not.toMatch(/[?&]code=/);

        const granted = (await page.getByTestId('granted-scope').innerText()).split(/\s+/);
        expect(granted).toEqual(
          expect.arrayContaining(['patient/Patient.rs', 'patient/Condition.rs', 'offline_access']),
        );
        expect(granted).not.toContain('patient/MedicationStatement.rs');

        const conditions = page.getByRole('region', { name: 'Conditions' });
        await conditions.getByText('Diabetes mellitus type 2').waitFor();
        const prescriptions = page.getByRole('region', { name: 'Prescriptions (medication requests)' });
        await prescriptions.getByText('Metformin').waitFor();
        await page
          .getByRole('region', { name: 'Medication statements' })
          .getByText(/^Not shared with this app/)
          .waitFor();
        await page.screenshot({ path: screenshotPath('demo-app-record'), fullPage: true });

        await page.getByRole('button', { name: 'Refresh token' }).click();
        await page.getByRole('status').getByText('Token refreshed').waitFor();
        expect(await page.getByTestId('refresh-status').innerText()).toMatch(/expires at .* \(in \d+ seconds\)/);
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('says so when the person denies access', async () => {
      const { context, page } = await newPage();
      try {
        await page.goto(url('/demo-app/'));
        await page.getByRole('button', { name: 'Launch (standalone)' }).click();
        await page.waitForURL((u) => u.pathname.startsWith('/auth/'));
        await signIn(page, PATIENT);
        await page.getByRole('button', { name: 'Deny' }).click();
        await page
          .getByRole('alert')
          .getByText(/^You denied access/)
          .waitFor();
        await page.getByRole('button', { name: 'Launch (standalone)' }).waitFor();
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('runs an EHR launch for a practitioner with the patient in context', async () => {
      // A practitioner: a Practitioner resource and a user who is it.
      const writer = await expectCreated(
        await api('POST', '/api/clients', { client_name: 'e2e practitioner writer', scope: 'system/Practitioner.cu' }),
        'a client that writes Practitioners',
      );
      const token = await clientCredentialsToken(
        base,
        String(writer.client_id),
        String(writer.client_secret),
        'system/Practitioner.cu',
      );
      const bearer = `Bearer ${((await token.json()) as { access_token: string }).access_token}`;
      const practitioner = await expectCreated(
        await api(
          'POST',
          '/fhir/Practitioner',
          { resourceType: 'Practitioner', name: [{ family: 'Hughes', given: ['Sian'], prefix: ['Dr'] }] },
          bearer,
        ),
        'the Practitioner',
      );
      await expectCreated(
        await api('POST', '/api/users', {
          username: PRACTITIONER.username,
          display_name: 'Dr Sian Hughes',
          role: 'practitioner',
          fhir_user: `Practitioner/${String(practitioner.id)}`,
          password: PRACTITIONER.password,
        }),
        'the practitioner user',
      );

      // SMART App Launch 2.2 §EHR launch: the EHR opens the app's launch_uri with iss and launch.
      const launch = (await expectCreated(
        await api('POST', '/api/launches', { client_id: 'ccri-demo-app', patient: jonesId }),
        'the launch',
      )) as { launch_url: string };
      const launchUrl = new URL(launch.launch_url);
      expect(launchUrl.origin + launchUrl.pathname).toBe(url('/demo-app/launch.html'));
      expect(launchUrl.searchParams.get('iss')).toBe(url('/fhir'));

      const { context, page } = await newPage();
      try {
        await page.goto(launch.launch_url);
        await page.waitForURL((u) => u.pathname.startsWith('/auth/'));
        await signIn(page, PRACTITIONER);
        await page.getByRole('button', { name: 'Allow' }).click();
        const banner = page.getByRole('region', { name: 'Patient banner' });
        await banner.getByRole('heading', { level: 1, name: jonesName }).waitFor();
        expect((await page.getByTestId('granted-scope').innerText()).split(/\s+/)).toContain('launch');
        await page.screenshot({ path: screenshotPath('demo-app-ehr-launch'), fullPage: true });
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
});

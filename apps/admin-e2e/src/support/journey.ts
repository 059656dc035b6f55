import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './in-process-api';

/** Signs in on the dashboard's sign-in page and waits for the page asked for. */
export async function signInAsAdmin(page: Page, baseUrl: string, path = '/admin/clients'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Username').fill(ADMIN_USERNAME);
  await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The administrator session token the dashboard keeps, to check what the page shows against the API. */
export async function adminSessionToken(page: Page): Promise<string> {
  const token = await page.evaluate(
    () => (JSON.parse(sessionStorage.getItem('ccri.admin.session') ?? '{}') as { token?: string }).token,
  );
  if (!token) throw new Error('No administrator session in the page');
  return token;
}

/** An administrator's management API token, signed in from this test process (not the browser). */
export async function adminApiToken(baseUrl: string): Promise<string> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
  });
  return ((await login.json()) as { access_token: string }).access_token;
}

/** RFC 6749 §2.3.1: client_id and secret form-encoded, then Basic. */
export function basic(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/** A client_credentials token from /auth/token, requested from this test process (not the browser). */
export async function clientCredentialsToken(
  baseUrl: string,
  clientId: string,
  secret: string,
  scope: string,
): Promise<Response> {
  return fetch(`${baseUrl}/auth/token`, {
    method: 'POST',
    headers: { Authorization: basic(clientId, secret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  });
}

/** The claims of a JWT, unverified: for reading a `jti` the test was given. */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** How far the page is wider than the screen, in CSS pixels (0 or less: nothing to scroll sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

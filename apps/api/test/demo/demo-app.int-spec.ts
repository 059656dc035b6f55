import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ClientEntity } from '../../src/clients/client.entity';
import { DEMO_APP_CSP } from '../../src/common/http/static-app';
import {
  createMysqlDatabase,
  createTestApp,
  databases,
  dropMysqlDatabase,
  type TestApp,
  type TestDatabase,
} from '../support/test-app';

/** A stand-in for apps/demo-app/dist: the two pages and one hashed asset, as Vite lays them out. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccri-demo-app-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>CCRI demo SMART app</title>');
  writeFileSync(join(dir, 'launch.html'), '<!doctype html><title>CCRI demo SMART app: EHR launch</title>');
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("demo app");');
  return dir;
}

const storedClient = (t: TestApp) =>
  t.app.get<Repository<ClientEntity>>(getRepositoryToken(ClientEntity)).findOneBy({ clientId: 'ccri-demo-app' });

async function sharedDatabase(db: TestDatabase, dir: string): Promise<string> {
  return db === 'mysql' ? createMysqlDatabase() : `sqlite:${join(dir, 'shared.sqlite')}`;
}

describe.each(databases())('the demo SMART app in demo mode on %s', (db) => {
  let build: string;
  let t: TestApp;

  beforeAll(async () => {
    build = fakeBuild();
    t = await createTestApp(db, { DEMO_MODE: 'true', DEMO_APP_STATIC_DIR: build });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(build, { recursive: true, force: true });
  });

  it('registers ccri-demo-app as a public client of the authorization code grant', async () => {
    const res = await t.http
      .get('/api/clients/ccri-demo-app')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    expect(res.body).toMatchObject({
      client_id: 'ccri-demo-app',
      client_name: 'CCRI demo SMART app',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      enabled: true,
      status: 'active',
    });
    expect(res.body.scope.split(' ')).toEqual(
      expect.arrayContaining([
        'openid',
        'fhirUser',
        'profile',
        'launch',
        'launch/patient',
        'patient/Patient.rs',
        'patient/Condition.rs',
        'patient/MedicationRequest.rs',
        'patient/MedicationStatement.rs',
        'offline_access',
        'online_access',
      ]),
    );
    expect(res.body).not.toHaveProperty('client_secret');
  });

  it('stores its redirect URI and launch URI under PUBLIC_URL, and no secret', async () => {
    const client = await storedClient(t);
    expect(client).not.toBeNull();
    expect(JSON.parse(client!.redirectUris!)).toEqual(['http://ccri.test/demo-app/']);
    expect(client!.launchUri).toBe('http://ccri.test/demo-app/launch.html');
    expect(client!.secretHash).toBeNull();
  });

  it('gives no token for client credentials: a public client has nothing to prove itself with', async () => {
    const res = await t.http
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: 'ccri-demo-app', scope: 'patient/Patient.rs' });
    expect([400, 401]).toContain(res.status);
    expect(res.body.access_token).toBeUndefined();
    expect(['invalid_client', 'unauthorized_client']).toContain(res.body.error);
  });

  it('serves the app at /demo-app/, revalidated every time, under a same-origin content security policy', async () => {
    const res = await t.http.get('/demo-app/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(DEMO_APP_CSP);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<title>CCRI demo SMART app</title>');
  });

  it('keeps the authorization response parameters when it serves the redirect URI', async () => {
    const res = await t.http.get('/demo-app/?code=abc&state=xyz&iss=http%3A%2F%2Fccri.test').expect(200);
    expect(res.text).toContain('<title>CCRI demo SMART app</title>');
  });

  it('sends /demo-app to /demo-app/ (the relative asset paths need the slash), keeping the query', async () => {
    const res = await t.http.get('/demo-app?error=access_denied&state=s').expect(301);
    expect(res.headers.location).toBe('/demo-app/?error=access_denied&state=s');
  });

  it('serves the EHR launch page', async () => {
    const res = await t.http.get('/demo-app/launch.html?iss=x&launch=y').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('EHR launch');
  });

  it('serves hashed assets as JavaScript cached for a year', async () => {
    const res = await t.http.get('/demo-app/assets/index-Ab12Cd34.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toBe(DEMO_APP_CSP);
    expect(res.text).toBe('console.log("demo app");');
  });

  it('answers 404 for a file the build does not have', async () => {
    await t.http.get('/demo-app/assets/missing-00000000.js').expect(404);
    await t.http.get('/demo-app/../package.json').expect(404);
  });

  it('leaves the rest of the server without the app’s policy', async () => {
    const res = await t.http.get('/health/live').expect(200);
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});

describe.each(databases())('the demo SMART app across restarts on %s', (db) => {
  let dir: string;
  let databaseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccri-demo-app-db-'));
    databaseUrl = await sharedDatabase(db, dir);
  });

  afterAll(async () => {
    if (db === 'mysql') await dropMysqlDatabase(databaseUrl);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is registered once, and follows PUBLIC_URL when it changes', async () => {
    const env = { DEMO_MODE: 'true', DEMO_APP_STATIC_DIR: '' };
    const first = await createTestApp(db, env, { databaseUrl });
    await first.close();
    const second = await createTestApp(db, { ...env, PUBLIC_URL: 'https://demo.example.org' }, { databaseUrl });
    try {
      const repo = second.app.get<Repository<ClientEntity>>(getRepositoryToken(ClientEntity));
      expect(await repo.countBy({ clientId: 'ccri-demo-app' })).toBe(1);
      const client = await storedClient(second);
      expect(JSON.parse(client!.redirectUris!)).toEqual(['https://demo.example.org/demo-app/']);
      expect(client!.launchUri).toBe('https://demo.example.org/demo-app/launch.html');
      await second.http.get('/demo-app/').expect(404);
    } finally {
      await second.close();
    }
  });
});

describe.each(databases())('without demo mode on %s', (db) => {
  let build: string;
  let t: TestApp;

  beforeAll(async () => {
    build = fakeBuild();
    t = await createTestApp(db, { DEMO_MODE: 'false', DEMO_APP_STATIC_DIR: build });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(build, { recursive: true, force: true });
  });

  it('serves no demo app, even with a build present', async () => {
    await t.http.get('/demo-app/').expect(404);
    await t.http.get('/demo-app/launch.html').expect(404);
    await t.http.get('/demo-app/assets/index-Ab12Cd34.js').expect(404);
  });

  it('registers no demo client', async () => {
    await t.http
      .get('/api/clients/ccri-demo-app')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(404);
    expect(await storedClient(t)).toBeNull();
  });
});

describe('demo mode with an unbuilt app', () => {
  it('starts, and serves nothing at /demo-app/', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ccri-demo-app-empty-'));
    const t = await createTestApp('sqlite', { DEMO_MODE: 'true', DEMO_APP_STATIC_DIR: empty });
    try {
      await t.http.get('/demo-app/').expect(404);
      expect(await storedClient(t)).not.toBeNull();
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

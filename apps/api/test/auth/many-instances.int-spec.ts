import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import {
  basic,
  createClient,
  createTestApp,
  databases,
  dropMysqlDatabase,
  getToken,
  TestApp,
} from '../support/test-app';

/** Polls until `check` holds, and returns how long that took (ms); fails after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < limitMs + 1000) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not within ${limitMs} ms`);
}

// Two API instances on one database, as behind a load balancer: nothing but the database is shared.
describe.each(databases())('two API instances on one %s database', (db) => {
  let a: TestApp;
  let b: TestApp;
  let dir: string | undefined;

  beforeAll(async () => {
    const env = { ADMIN_PASSWORD: 'test-admin-password-0123' };
    if (db === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'ccri-two-'));
      const databaseUrl = `sqlite:${join(dir, 'shared.sqlite')}`;
      a = await createTestApp('sqlite', env, { databaseUrl });
      b = await createTestApp('sqlite', env, { databaseUrl });
    } else {
      a = await createTestApp('mysql', env);
      b = await createTestApp('mysql', env, { databaseUrl: a.databaseUrl });
    }
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('share signing keys: a token from one is accepted by the other', async () => {
    expect((await a.http.get('/auth/jwks').expect(200)).body).toEqual(
      (await b.http.get('/auth/jwks').expect(200)).body,
    );
    const client = await createClient(a, 'system/Patient.read');
    const token = await getToken(b, client);
    await a.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('honour a client created on the other instance', async () => {
    const client = await createClient(b, 'system/Patient.read');
    await a.http
      .post('/auth/token')
      .set('Authorization', basic(client.client_id, client.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(200);
  });

  it('refuse, within 2 seconds, a token revoked on the other instance', async () => {
    const client = await createClient(a, 'system/Patient.read');
    const token = await getToken(a, client);
    await b.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
    await a.http
      .delete(`/api/tokens/${decodeJwt(token).jti}`)
      .set('Authorization', `Bearer ${await a.adminToken()}`)
      .expect(204);
    const took = await within(
      2000,
      async () => (await b.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`)).status === 401,
    );
    expect(took).toBeLessThanOrEqual(2000);
  });

  it('refuse, within 2 seconds, the tokens and secret of a client disabled on the other instance', async () => {
    const client = await createClient(a, 'system/Patient.read');
    const token = await getToken(b, client);
    await a.http
      .patch(`/api/clients/${client.client_id}`)
      .set('Authorization', `Bearer ${await a.adminToken()}`)
      .send({ enabled: false })
      .expect(200);
    expect(
      await within(
        2000,
        async () => (await b.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`)).status === 401,
      ),
    ).toBeLessThanOrEqual(2000);
    expect(
      await within(
        2000,
        async () =>
          (
            await b.http
              .post('/auth/token')
              .set('Authorization', basic(client.client_id, client.client_secret))
              .type('form')
              .send({ grant_type: 'client_credentials' })
          ).status === 401,
      ),
    ).toBeLessThanOrEqual(2000);
  });

  it('verify tokens signed with a key rotated in on the other instance', async () => {
    const client = await createClient(a, 'system/Patient.read');
    const rotated = await a.http
      .post('/api/keys/rotate')
      .set('Authorization', `Bearer ${await a.adminToken()}`)
      .expect(200);
    const token = await getToken(a, client);
    expect(decodeProtectedHeader(token).kid).toBe(rotated.body.kid);
    await b.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
  });
});

// Instances started and driven at the same moment: the work that must happen once (creating the first signing key,
// rotating it) happens once, under a lease in the shared database.
describe.each(databases())('two API instances acting at once on one %s database', (db) => {
  let a: TestApp;
  let b: TestApp;
  let dir: string | undefined;

  beforeAll(async () => {
    const env = { ADMIN_PASSWORD: 'test-admin-password-0123' };
    let databaseUrl: string;
    if (db === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'ccri-race-'));
      databaseUrl = `sqlite:${join(dir, 'shared.sqlite')}`;
      // The schema is made by the first instance (SQLite synchronises it); the keys race starts after that.
      const first = await createTestApp('sqlite', { ...env, SIGNING_WORKERS: '0' }, { databaseUrl });
      await first.app.get(DataSource).query('DELETE FROM signing_keys');
      await first.close();
    } else {
      const first = await createTestApp('mysql', env);
      databaseUrl = first.databaseUrl;
      await first.app.get(DataSource).query('DELETE FROM signing_keys');
      await first.app.close();
    }
    [a, b] = await Promise.all([createTestApp(db, env, { databaseUrl }), createTestApp(db, env, { databaseUrl })]);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (db === 'mysql' && a) await dropMysqlDatabase(a.databaseUrl);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function activeKeys(t: TestApp): Promise<string[]> {
    const res = await t.http
      .get('/api/keys')
      .set('Authorization', `Bearer ${await t.adminToken()}`)
      .expect(200);
    return (res.body as { kid: string; status: string }[]).filter((k) => k.status === 'active').map((k) => k.kid);
  }

  it('create exactly one signing key when both start on a database that has none', async () => {
    expect(await activeKeys(a)).toHaveLength(1);
    expect(await activeKeys(b)).toEqual(await activeKeys(a));
  });

  it('leave exactly one active key, and both able to issue tokens, after rotating at the same moment', async () => {
    const [ra, rb] = await Promise.all([
      a.http.post('/api/keys/rotate').set('Authorization', `Bearer ${await a.adminToken()}`),
      b.http.post('/api/keys/rotate').set('Authorization', `Bearer ${await b.adminToken()}`),
    ]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const active = await activeKeys(a);
    expect(active).toHaveLength(1);
    expect([ra.body.kid, rb.body.kid]).toContain(active[0]);
    const client = await createClient(a, 'system/Patient.read');
    for (const t of [a, b]) {
      const token = await getToken(t, client);
      // Verified at once, even by the instance that did not make the key a moment ago.
      await a.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
      await b.http.get('/fhir/Patient').set('Authorization', `Bearer ${token}`).expect(200);
    }
  });
});

// Behind a load balancer, a client spreading its requests over two instances meets the limit once, not twice.
describe.each(databases())('rate limits of two API instances on one %s database', (db) => {
  let a: TestApp;
  let b: TestApp;
  let dir: string | undefined;

  beforeAll(async () => {
    const env = { ADMIN_PASSWORD: 'test-admin-password-0123', RATE_LIMIT_CLIENT_PER_MINUTE: '10' };
    if (db === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'ccri-limits-'));
      const databaseUrl = `sqlite:${join(dir, 'shared.sqlite')}`;
      a = await createTestApp('sqlite', env, { databaseUrl });
      b = await createTestApp('sqlite', env, { databaseUrl });
    } else {
      a = await createTestApp('mysql', env);
      b = await createTestApp('mysql', env, { databaseUrl: a.databaseUrl });
    }
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('count a client’s token requests on both instances against its one limit', async () => {
    const client = await createClient(a, 'system/Patient.read');
    const ask = (t: TestApp) =>
      t.http
        .post('/auth/token')
        .set('Authorization', basic(client.client_id, client.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' });
    for (let i = 0; i < 6; i++) expect((await ask(a)).status).toBe(200);
    // Each instance publishes its counts and reads the others' every second.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask(b)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.slice(4)).toEqual([429, 429]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { basic, createClient, createTestApp, getToken, RegisteredClient, TestApp } from '../support/test-app';

/**
 * The embedded SQLite file held locked by another process (a backup, a manual `sqlite3` session): writes answer a
 * prompt 503 in their surface's shape with Retry-After instead of a 500 or a long wait, and succeed once it is free.
 */
describe('SQLite file locked by another process', () => {
  let dir: string;
  let t: TestApp;
  let client: RegisteredClient;
  let auth: string;
  let locker: Database.Database | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccri-sqlite-lock-'));
    t = await createTestApp('sqlite', {}, { databaseUrl: `sqlite:${join(dir, 'ccri.sqlite')}` });
    client = await createClient(t, 'system/*.*');
    auth = `Bearer ${await getToken(t, client, 'system/*.*')}`;
  });

  afterAll(async () => {
    locker?.close();
    if (t) await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After within 5 s while the file is locked, and serves again once it is released', async () => {
    locker = new Database(join(dir, 'ccri.sqlite'), { timeout: 0 });
    locker.exec('BEGIN IMMEDIATE');

    let started = Date.now();
    const create = await t.http
      .post('/fhir/Patient')
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', name: [{ family: 'Locked' }] });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(create.status).toBe(503);
    expect(create.headers['retry-after']).toMatch(/^\d+$/);
    expect(create.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(create.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });

    started = Date.now();
    const token = await t.http
      .post('/auth/token')
      .set('Authorization', basic(client.client_id, client.client_secret))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(token.status).toBe(503);
    expect(token.headers['retry-after']).toMatch(/^\d+$/);
    expect(token.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });

    locker.exec('ROLLBACK');
    locker.close();
    locker = null;

    const again = await t.http
      .post('/fhir/Patient')
      .set('Authorization', auth)
      .send({ resourceType: 'Patient', name: [{ family: 'Unlocked' }] })
      .expect(201);
    await t.http
      .get(`/fhir/Patient/${again.body.id as string}`)
      .set('Authorization', auth)
      .expect(200);
    await getToken(t, client, 'system/*.*');
  });
});

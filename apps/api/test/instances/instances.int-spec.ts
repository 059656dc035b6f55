import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import demo from '../../src/demo/ccri-demo-clients.json';
import { DEMO_CLIENT_IDS, DEMO_SMART_APP_CLIENT_ID } from '../../src/demo/demo-clients';
import { DEMO_USERS } from '../../src/demo/demo-users.seeder';
import { DEMO_PATIENTS } from '../../src/fhir/demo/demo-data';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  basic,
  createMysqlDatabase,
  createTestApp,
  databases,
  dropMysqlDatabase,
  TestApp,
  TestDatabase,
} from '../support/test-app';

/** A database for several instances: a file for SQLite (":memory:" is per instance), a fresh MySQL database. */
async function sharedDatabase(db: TestDatabase): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  if (db === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ccri-instances-'));
    return {
      databaseUrl: `sqlite:${join(dir, 'shared.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const databaseUrl = await createMysqlDatabase();
  return { databaseUrl, drop: () => dropMysqlDatabase(databaseUrl) };
}

const signIn = (t: TestApp, password: string) =>
  t.http.post('/api/auth/login').send({ username: ADMIN_USERNAME, password });

const demoClient = demo.clients[0];
const demoToken = (t: TestApp) =>
  t.http
    .post('/auth/token')
    .set('Authorization', basic(demoClient.client_id, demoClient.client_secret))
    .type('form')
    .send({ grant_type: 'client_credentials' });

describe.each(databases())('API instances sharing one %s database', (db) => {
  describe('sign-in failures', () => {
    let a: TestApp;
    let b: TestApp;
    let shared: { databaseUrl: string; drop: () => Promise<void> };

    beforeAll(async () => {
      shared = await sharedDatabase(db);
      a = await createTestApp(db, {}, shared);
      b = await createTestApp(db, {}, shared);
    });

    afterAll(async () => {
      await b?.close();
      await a?.close();
      await shared?.drop();
    });

    it('5 failed administrator sign-ins spread over two instances lock the account on both', async () => {
      await signIn(a, ADMIN_PASSWORD).expect(200);
      for (const t of [a, b, a, b, a]) await signIn(t, 'not-the-password-at-all').expect(401);
      for (const t of [a, b]) {
        const locked = await signIn(t, ADMIN_PASSWORD).expect(429);
        expect(JSON.stringify(locked.body)).toContain('too_many_attempts');
        expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      }
    });
  });

  describe('two instances started at once on a brand-new database (no schema yet)', () => {
    let shared: { databaseUrl: string; drop: () => Promise<void> };
    const started: TestApp[] = [];

    afterAll(async () => {
      for (const t of started) await t.close();
      await shared?.drop();
    });

    it('both start and serve, and the schema is created once, without a failed migration on the way', async () => {
      shared = await sharedDatabase(db);
      // TypeORM reports a failed migration on the console (and Nest then retries the whole start after 3 s).
      const console = jest.spyOn(global.console, 'log');
      try {
        started.push(...(await Promise.all([createTestApp(db, {}, shared), createTestApp(db, {}, shared)])));
        const failures = console.mock.calls.map((c) => String(c[0])).filter((line) => /failed/i.test(line));
        expect(failures).toEqual([]);
      } finally {
        console.mockRestore();
      }
      for (const t of started) await signIn(t, ADMIN_PASSWORD).expect(200);
      if (db === 'mysql') {
        const applied = (await started[0].app.get(DataSource).query(`SELECT name FROM migrations`)) as {
          name: string;
        }[];
        const names = applied.map((m) => m.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names.length).toBeGreaterThan(0);
      }
    });
  });

  describe('two instances started at once in demo mode on an empty database', () => {
    let a: TestApp;
    let b: TestApp;
    let shared: { databaseUrl: string; drop: () => Promise<void> };

    beforeAll(async () => {
      shared = await sharedDatabase(db);
      // The schema first (SQLite synchronises it, MySQL migrates, neither under a lease), with no data in it;
      // then two instances at once, each seeding demo mode and its administrator.
      await (
        await createTestApp(db, { DEMO_MODE: 'false', ADMIN_BOOTSTRAP: 'skip', ADMIN_PASSWORD: '' }, shared)
      ).close();
      [a, b] = await Promise.all([
        createTestApp(db, { DEMO_MODE: 'true' }, shared),
        createTestApp(db, { DEMO_MODE: 'true' }, shared),
      ]);
    });

    afterAll(async () => {
      await b?.close();
      await a?.close();
      await shared?.drop();
    });

    it('both start, and there is exactly one of each demo client, demo user and demo patient', async () => {
      const data = a.app.get(DataSource);
      const clients = await data.query(`SELECT client_id FROM oauth_clients`);
      const ids = (clients as { client_id: string }[]).map((r) => r.client_id).filter((id) => DEMO_CLIENT_IDS.has(id));
      expect(ids.sort()).toEqual([...DEMO_CLIENT_IDS].sort());
      const users = (await data.query(`SELECT username FROM end_users`)) as { username: string }[];
      expect(users.map((u) => u.username).sort()).toEqual(DEMO_USERS.map((u) => u.username).sort());
      const patients = (await data.query(
        `SELECT COUNT(*) AS n FROM fhir_resources WHERE resource_type = 'Patient'`,
      )) as { n: number | string }[];
      expect(Number(patients[0].n)).toBe(DEMO_PATIENTS.length);
      // And both serve the demo: a demo client gets a token from each.
      await demoToken(a).expect(200);
      await demoToken(b).expect(200);
    });
  });

  describe('a database seeded in demo mode, then started with DEMO_MODE=false', () => {
    let t: TestApp;
    let warn: jest.SpyInstance;
    let shared: { databaseUrl: string; drop: () => Promise<void> };

    beforeAll(async () => {
      shared = await sharedDatabase(db);
      // The same CLIENT_SECRET_PEPPER both times (the harness's): the stored demo secret hashes still match.
      const seeded = await createTestApp(db, { DEMO_MODE: 'true' }, shared);
      await demoToken(seeded).expect(200);
      await seeded.close();
      warn = jest.spyOn(Logger.prototype, 'warn');
      t = await createTestApp(db, { DEMO_MODE: 'false' }, shared);
    });

    afterAll(async () => {
      warn?.mockRestore();
      await t?.close();
      await shared?.drop();
    });

    it('says so in the log, once, at start', () => {
      const said = warn.mock.calls.filter(([m]) => /^Demo mode is off: the \d+ demo clients/.test(String(m)));
      expect(said).toHaveLength(1);
      expect(String(said[0][0])).toContain(`the ${DEMO_CLIENT_IDS.size} demo clients`);
    });

    const admin = async () => `Bearer ${await t.adminToken()}`;

    it("refuses the CCRI's published demo secrets (401 invalid_client, audited with the reason)", async () => {
      for (const c of demo.clients) {
        const res = await t.http
          .post('/auth/token')
          .set('Authorization', basic(c.client_id, c.client_secret))
          .type('form')
          .send({ grant_type: 'client_credentials' })
          .expect(401);
        expect(res.body.error).toBe('invalid_client');
      }
      // client_secret_post too.
      await t.http
        .post('/auth/token')
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_id: demoClient.client_id,
          client_secret: demoClient.client_secret,
        })
        .expect(401);
      let items: Record<string, unknown>[] = [];
      for (let i = 0; i < 20 && !items.length; i++) {
        const audit = await t.http
          .get(`/api/audit?client_id=${demoClient.client_id}&outcome=denied`)
          .set('Authorization', await admin())
          .expect(200);
        items = audit.body.items;
        if (!items.length) await new Promise((r) => setTimeout(r, 100));
      }
      expect(items[0]).toMatchObject({ status: 401, reason: 'demo_client_outside_demo_mode' });
    });

    it('refuses the demo SMART app (a public client) at the token and authorization endpoints', async () => {
      const res = await t.http
        .post('/auth/token')
        .type('form')
        .send({ grant_type: 'authorization_code', client_id: DEMO_SMART_APP_CLIENT_ID, code: 'x', code_verifier: 'y' })
        .expect(401);
      expect(res.body.error).toBe('invalid_client');
      const authorize = await t.http.get('/auth/authorize').query({
        response_type: 'code',
        client_id: DEMO_SMART_APP_CLIENT_ID,
        redirect_uri: 'http://ccri.test/demo-app/',
        scope: 'openid launch/patient patient/Patient.rs',
        state: 'abc',
        aud: 'http://ccri.test/fhir',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCQaoeG2tvKrsL5oe7c_lPk0',
        code_challenge_method: 'S256',
      });
      expect(authorize.status).toBe(400);
    });

    it('shows the dashboard which clients are demo clients, and that they are not enabled', async () => {
      const res = await t.http.get(`/api/clients/${demoClient.client_id}`).set('Authorization', await admin());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ client_id: demoClient.client_id, demo: true, enabled: false });
      const list = await t.http
        .get('/api/clients?limit=100')
        .set('Authorization', await admin())
        .expect(200);
      const listed = (list.body.items as { client_id: string; demo?: boolean; enabled: boolean }[]).filter((c) =>
        DEMO_CLIENT_IDS.has(c.client_id),
      );
      expect(listed).toHaveLength(DEMO_CLIENT_IDS.size);
      expect(listed.every((c) => c.demo === true && c.enabled === false)).toBe(true);
    });

    it('still serves clients that are not demo clients', async () => {
      const created = await t.http
        .post('/api/clients')
        .set('Authorization', await admin())
        .send({ client_name: 'real client', scope: 'system/Patient.read' })
        .expect(201);
      expect(created.body.demo).toBeUndefined();
      await t.http
        .post('/auth/token')
        .set('Authorization', basic(created.body.client_id, created.body.client_secret))
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200);
    });
  });
});

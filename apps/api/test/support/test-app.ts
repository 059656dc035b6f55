import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/config/app-config';

export type TestDatabase = 'sqlite' | 'mysql';

/** Storage tests run on SQLite always, and on MySQL/MariaDB where TEST_MYSQL_URL is set (CI sets it). */
export function databases(): TestDatabase[] {
  return process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
}

export const ADMIN_USERNAME = 'test-admin';
export const ADMIN_PASSWORD = 'test-admin-password-0123';
/** CLIENT_SECRET_PEPPER of every test instance (instances sharing a database must share it). */
export const TEST_PEPPER = 'ccri-test-pepper-0123456789abcdef0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  databaseUrl: string;
  /** An administrator session token. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

/** A fresh, empty MySQL database on the TEST_MYSQL_URL server; dropped by `dropMysqlDatabase`. */
export async function createMysqlDatabase(): Promise<string> {
  const base = new URL(process.env.TEST_MYSQL_URL!);
  const name = `ccri_test_${randomBytes(6).toString('hex')}`;
  const conn = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  base.pathname = `/${name}`;
  return base.toString();
}

export async function dropMysqlDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/^ccri_test_[0-9a-f]+$/.test(name)) return;
  const conn = await createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
}

/**
 * The real API (createApp, as main.ts builds it) on a fresh database, in memory over supertest.
 * Pass `databaseUrl` to share one database between several instances.
 */
export async function createTestApp(
  db: TestDatabase,
  env: Record<string, string> = {},
  shared?: { databaseUrl: string },
): Promise<TestApp> {
  const databaseUrl = shared?.databaseUrl ?? (db === 'mysql' ? await createMysqlDatabase() : 'sqlite::memory:');
  const { app, config } = await createApp({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
    DEMO_MODE: 'false',
    // Outside demo mode a pepper is required; a fixed one for tests (never the published demo pepper).
    CLIENT_SECRET_PEPPER: TEST_PEPPER,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_STATIC_DIR: '',
    PUBLIC_URL: 'http://ccri.test',
    ...env,
  });
  await app.getHttpAdapter().getInstance().ready();
  const http = request(app.getHttpServer());
  let session: string | null = null;
  return {
    app,
    http,
    config,
    databaseUrl,
    async adminToken() {
      if (!session) {
        const res = await http
          .post('/api/auth/login')
          .send({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD })
          .expect(200);
        session = res.body.access_token as string;
      }
      return session;
    },
    async close() {
      await app.close();
      if (db === 'mysql' && !shared) await dropMysqlDatabase(databaseUrl);
    },
  };
}

export interface RegisteredClient {
  client_id: string;
  client_secret: string;
}

/** Registers a client through the management API. */
export async function createClient(
  t: TestApp,
  scope: string,
  extra: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const res = await t.http
    .post('/api/clients')
    .set('Authorization', `Bearer ${await t.adminToken()}`)
    .send({ client_name: `test client ${randomBytes(3).toString('hex')}`, scope, ...extra })
    .expect(201);
  return { client_id: res.body.client_id, client_secret: res.body.client_secret };
}

export function basic(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64');
}

/** Gets an access token with the client_credentials grant and HTTP Basic client authentication. */
export async function getToken(t: TestApp, client: RegisteredClient, scope?: string): Promise<string> {
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (scope) form.scope = scope;
  const res = await t.http
    .post('/auth/token')
    .set('Authorization', basic(client.client_id, client.client_secret))
    .type('form')
    .send(form)
    .expect(200);
  return res.body.access_token as string;
}

/** An access token holding exactly `scope`, for a new client allowed that scope. */
export async function tokenFor(t: TestApp, scope: string, extra: Record<string, unknown> = {}): Promise<string> {
  return getToken(t, await createClient(t, scope, extra), scope);
}

/** A FHIR suite's app and the bearer header of its token. */
export interface FhirSession {
  t: TestApp;
  auth: string;
}

/**
 * The set-up most FHIR suites share: the API on a fresh `db` and a `Bearer …` header for a token holding `scope`.
 * Used as `beforeAll(async () => ({ t, auth } = await openFhirSession(db)))`, closed with `t.close()`.
 */
export async function openFhirSession(db: TestDatabase, scope = 'system/*.*'): Promise<FhirSession> {
  const t = await createTestApp(db);
  return { t, auth: `Bearer ${await tokenFor(t, scope)}` };
}

/**
 * `create(key, resource)` for a suite's fixtures: POSTs the resource to its type with the session's token, expects
 * 201 (otherwise throws with the answer, so a broken fixture fails the suite's set-up, not a later assertion) and
 * keeps the new id as `ids[key]`. With `distinctInstants`, waits a few milliseconds after each, so resources made
 * one after the other have distinct `lastUpdated` instants and the default order is the order of creation.
 * `session` is read at each call: a suite opens its session in `beforeAll`.
 */
export function resourceCreator(
  session: () => FhirSession,
  ids: Record<string, string>,
  options: { distinctInstants?: boolean } = {},
): (key: string, resource: Record<string, unknown>) => Promise<string> {
  return async (key, resource) => {
    const { t, auth } = session();
    const res = await t.http
      .post(`/fhir/${resource.resourceType as string}`)
      .set('Authorization', auth)
      .send(resource);
    if (res.status !== 201) throw new Error(`${key}: ${res.status} ${res.text}`);
    ids[key] = res.body.id as string;
    if (options.distinctInstants) await new Promise((r) => setTimeout(r, 3));
    return ids[key];
  };
}

/**
 * A search as a FHIR client makes it: `GET /fhir/{type}` with `query` (`_count=100` unless `query` sets it) and any
 * extra `headers`, with the session's token; expects 200 and returns the searchset Bundle.
 */
export async function searchBundle<B>(
  session: FhirSession,
  type: string,
  query: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<B> {
  const req = session.t.http
    .get(`/fhir/${type}`)
    .query({ _count: '100', ...query })
    .set('Authorization', session.auth);
  for (const [k, v] of Object.entries(headers)) req.set(k, v);
  return (await req.expect(200)).body as B;
}

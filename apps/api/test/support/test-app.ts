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

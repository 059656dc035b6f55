import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Response } from 'supertest';
import { basic, createClient, createTestApp, getToken, RegisteredClient, TestApp } from '../support/test-app';
import { OwnMariadb } from './own-mariadb';

/**
 * The database disappears under load (SIGKILL to a MariaDB server this test starts on its own data directory and
 * port, never the shared one) and comes back: every answer meanwhile is a prompt 503 in its surface's shape with
 * Retry-After, readiness follows the database while liveness stays up, service resumes without restarting the app,
 * and nothing that was acknowledged is missing.
 */

type Op = 'create' | 'read' | 'token';

interface Answer {
  op: Op;
  status: number;
  ms: number;
  startedAt: number;
  endedAt: number;
  requestId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  contentType: string;
  /** The id of a created resource (201). */
  id?: string;
  /** The transport error when no answer came (a hang or a dropped connection). */
  failure?: string;
}

const DATABASE = 'ccri_outage';
const CONCURRENCY = 20;
/** Longer than the 5 s an answer may take, so a hang shows as a failure instead of blocking the suite. */
const CLIENT_TIMEOUT_MS = 8000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done()` holds, at least `minMs` and at most `maxMs` (the machine may be slow; the test adapts). */
async function settle(done: () => boolean, minMs: number, maxMs: number): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < maxMs && (Date.now() - start < minMs || !done())) await sleep(50);
}

describe('database outage (MariaDB stopped mid-load)', () => {
  let db: OwnMariadb;
  let t: TestApp;
  let client: RegisteredClient;
  let auth: string;
  let adminAuth: string;
  let revokedAuth: string;
  let seedId: string;

  beforeAll(async () => {
    db = await OwnMariadb.create();
    const conn = await createConnection({ host: '127.0.0.1', port: db.port, user: 'root' });
    await conn.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    t = await createTestApp('mysql', {}, { databaseUrl: db.url(DATABASE) });
    client = await createClient(t, 'system/*.*');
    auth = `Bearer ${await getToken(t, client, 'system/*.*')}`;
    adminAuth = `Bearer ${await t.adminToken()}`;
    // A token revoked before the outage: the revocation polls that fail meanwhile must not forget it.
    const revoked = await getToken(t, client, 'system/*.*');
    await t.http
      .post('/auth/revoke')
      .set('Authorization', basic(client.client_id, client.client_secret))
      .type('form')
      .send({ token: revoked })
      .expect(200);
    revokedAuth = `Bearer ${revoked}`;
    const seed = await t.http.post('/fhir/Patient').set('Authorization', auth).send(patient('seed')).expect(201);
    seedId = seed.body.id as string;
  }, 90_000);

  afterAll(async () => {
    // Closing the app is bounded (a failed run may leave the database down); the server is killed and its
    // directory removed whatever happened.
    try {
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((r) => (timer = setTimeout(r, 10_000)));
      if (t) await Promise.race([t.close(), gaveUp]).finally(() => clearTimeout(timer));
    } finally {
      if (db) await db.destroy();
    }
  }, 30_000);

  function patient(tag: string): Record<string, unknown> {
    return { resourceType: 'Patient', name: [{ family: 'Outage', given: [tag] }] };
  }

  async function fire(op: Op): Promise<Answer> {
    const requestId = randomUUID();
    const startedAt = Date.now();
    const req =
      op === 'create'
        ? t.http.post('/fhir/Patient').set('Authorization', auth).send(patient(requestId))
        : op === 'read'
          ? t.http.get(`/fhir/Patient/${seedId}`).set('Authorization', auth)
          : t.http
              .post('/auth/token')
              .set('Authorization', basic(client.client_id, client.client_secret))
              .type('form')
              .send({ grant_type: 'client_credentials', scope: 'system/*.*' });
    let res: Response | null = null;
    let failure: string | undefined;
    try {
      res = await req.set('x-request-id', requestId).timeout(CLIENT_TIMEOUT_MS);
    } catch (e) {
      failure = String(e);
    }
    const endedAt = Date.now();
    return {
      op,
      status: res?.status ?? 0,
      ms: endedAt - startedAt,
      startedAt,
      endedAt,
      requestId,
      headers: (res?.headers ?? {}) as Record<string, string>,
      body: (res?.body ?? {}) as Record<string, unknown>,
      contentType: String(res?.headers['content-type'] ?? ''),
      id: res?.status === 201 ? (res.body.id as string) : undefined,
      failure,
    };
  }

  /** CONCURRENCY workers firing creates, reads and token requests in turn until `until()` says stop. */
  async function load(until: () => boolean, answers: Answer[]): Promise<void> {
    const ops: Op[] = ['create', 'read', 'token'];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        for (let i = w; !until(); i++) answers.push(await fire(ops[i % ops.length]));
      }),
    );
  }

  /** The 503 every surface gives while the database is away. */
  function expectUnavailable(a: Answer): void {
    const where = `${a.op} ${a.requestId}: ${a.status} ${JSON.stringify(a.body)}`;
    expect({ where, status: a.status }).toEqual({ where, status: 503 });
    expect({ where, retryAfter: /^\d+$/.test(a.headers['retry-after'] ?? '') }).toEqual({ where, retryAfter: true });
    if (a.op === 'token') {
      // RFC 6749 §5.2 error response.
      expect(a.contentType).toMatch(/^application\/json/);
      expect(a.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    } else {
      expect(a.contentType).toMatch(/^application\/fhir\+json/);
      expect(a.body).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'transient' }],
      });
    }
  }

  it('answers 503 promptly while the database is down, resumes when it is back, and loses nothing acknowledged', async () => {
    const answers: Answer[] = [];
    let stopLoad = false;
    const running = load(() => stopLoad, answers);

    // Normal service until the load has been answered a fair number of times, then the database dies under it.
    const ok = (op: Op, status: number) => answers.filter((a) => a.op === op && a.status === status).length;
    await settle(() => ok('create', 201) >= 10 && ok('token', 200) >= 5 && ok('read', 200) >= 5, 1000, 15_000);
    const killStarted = Date.now();
    await db.kill();
    const killedAt = Date.now();

    // During the outage: readiness fails, liveness holds, and the management API answers problem details.
    await sleep(300);
    const probes = await Promise.all(
      [
        t.http.get('/health/ready'),
        t.http.get('/health/live'),
        t.http.get('/api/clients').set('Authorization', adminAuth),
      ].map(async (r) => {
        const s = Date.now();
        const res = await r.timeout(CLIENT_TIMEOUT_MS);
        return { res, ms: Date.now() - s };
      }),
    );
    const [ready, live, api] = probes;
    const outage = () => answers.filter((a) => a.startedAt > killedAt);
    await settle(() => outage().length > 2 * CONCURRENCY, 1500, 10_000);
    stopLoad = true;
    await running;

    expect(ready.res.status).toBe(503);
    expect(live.res.status).toBe(200);
    expect(api.res.status).toBe(503);
    expect(api.res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(api.res.headers['retry-after']).toMatch(/^\d+$/);
    expect(api.res.body).toMatchObject({ status: 503, detail: expect.any(String) });
    for (const p of probes) expect(p.ms).toBeLessThan(5000);

    // No answer was a 500, none was lost or took 5 s or more.
    const broken = answers.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503) || a.ms >= 5000);
    expect(broken.map((a) => `${a.op} ${a.status} ${a.ms} ms ${a.failure ?? JSON.stringify(a.body)}`)).toEqual([]);

    const before = answers.filter((a) => a.endedAt < killStarted);
    const during = answers.filter((a) => a.startedAt > killedAt);
    const straddling = answers.filter((a) => a.endedAt >= killStarted && a.startedAt <= killedAt);
    // The load really ran on both sides of the kill.
    expect(before.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(5);
    expect(before.filter((a) => a.op === 'token' && a.status === 200).length).toBeGreaterThanOrEqual(3);
    expect(during.length).toBeGreaterThan(CONCURRENCY);
    for (const op of ['create', 'read', 'token'] as const) expect(during.some((a) => a.op === op)).toBe(true);
    for (const a of before) expect([200, 201]).toContain(a.status);
    for (const a of during) expectUnavailable(a);
    for (const a of straddling)
      if (a.status === 503) expectUnavailable(a);
      else expect([200, 201]).toContain(a.status);

    // The database comes back on the same data directory and port; the app, never restarted, serves again.
    await db.start();
    const restartedAt = Date.now();
    let resumed: Answer | null = null;
    while (Date.now() - restartedAt < 15_000) {
      const a = await fire('create');
      answers.push(a);
      if (a.status === 201) {
        resumed = a;
        break;
      }
      expectUnavailable(a);
      await sleep(200);
    }
    expect(resumed).not.toBeNull();
    expect(await t.http.get('/health/ready').then((r) => r.status)).toBe(200);
    const stillRevoked = await t.http.get(`/fhir/Patient/${seedId}`).set('Authorization', revokedAuth);
    expect(stillRevoked.status).toBe(401);
    expect(stillRevoked.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });

    const after: Answer[] = [];
    const afterStarted = Date.now();
    await load(() => Date.now() - afterStarted > 1000, after);
    answers.push(...after);
    expect(after.length).toBeGreaterThan(CONCURRENCY);
    expect(
      after.filter((a) => ![200, 201].includes(a.status)).map((a) => `${a.op} ${a.status} ${JSON.stringify(a.body)}`),
    ).toEqual([]);

    // Every create that was acknowledged with a 201, before or after the outage, is readable.
    const created = answers.filter((a) => a.status === 201).map((a) => a.id!);
    expect(created.length).toBeGreaterThan(20);
    const unreadable: string[] = [];
    for (let i = 0; i < created.length; i += CONCURRENCY) {
      const reads = await Promise.all(
        created.slice(i, i + CONCURRENCY).map((id) => t.http.get(`/fhir/Patient/${id}`).set('Authorization', auth)),
      );
      reads.forEach((r, j) => r.status !== 200 && unreadable.push(`${created[i + j]}: ${r.status}`));
    }
    expect(unreadable).toEqual([]);

    // Every request answered with a 2xx has its audit record (it was committed before the answer left).
    const acknowledged = answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.requestId);
    expect(answers.filter((a) => a.status > 0 && a.headers['x-request-id'] !== a.requestId)).toEqual([]);
    const conn = await createConnection({ host: '127.0.0.1', port: db.port, user: 'root', database: DATABASE });
    try {
      const [rows] = await conn.query('SELECT request_id FROM audit_events WHERE request_id IN (?)', [acknowledged]);
      const audited = new Set((rows as { request_id: string }[]).map((r) => r.request_id));
      expect(acknowledged.filter((id) => !audited.has(id))).toEqual([]);
    } finally {
      await conn.end();
    }
  }, 60_000);
});

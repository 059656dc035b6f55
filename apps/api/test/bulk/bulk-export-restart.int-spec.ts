import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  basic,
  createMysqlDatabase,
  createTestApp,
  databases,
  dropMysqlDatabase,
  TEST_PEPPER,
  TestApp,
} from '../support/test-app';
import { download, exportDir, Manifest, poll } from './bulk-support';

const API_MAIN = resolve(__dirname, '../../dist/main.js');
const PATIENTS = 3000;

/** The built API (`npm run build`) in a process of its own, which the test can kill -9. */
async function startApi(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  if (!existsSync(API_MAIN)) throw new Error('apps/api/dist/main.js is missing: run `npm run build` first');
  const port = await freePort();
  const child = spawn(process.execPath, [API_MAIN], {
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { child, base };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not get ready');
}

describe.each(databases())('FHIR Bulk Data export surviving a kill -9 on %s', (db) => {
  let files: ReturnType<typeof exportDir>;
  let child: ChildProcess | null = null;
  let t: TestApp | null = null;
  let databaseUrl: string;

  beforeAll(async () => {
    files = exportDir();
    databaseUrl = db === 'mysql' ? await createMysqlDatabase() : `sqlite:${join(files.dir, 'api.sqlite')}`;
  });

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await t?.close();
    if (db === 'mysql') await dropMysqlDatabase(databaseUrl);
    files.remove();
  });

  it('finishes a job whose server was killed mid-export on the next start, listing no half-written file', async () => {
    const dir = join(files.dir, 'exports');
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DEMO_MODE: 'false',
      CLIENT_SECRET_PEPPER: TEST_PEPPER,
      ADMIN_USERNAME,
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: '',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://ccri.test',
      BULK_EXPORT_DIR: dir,
      BULK_EXPORT_RETRY_AFTER_SECONDS: '1',
      BULK_EXPORT_LEASE_SECONDS: '2',
      // Small files: many renames, so the kill lands while files are being written.
      BULK_EXPORT_FILE_MAX_BYTES: '1024',
    };
    const api = await startApi(env);
    child = api.child;
    const json = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(api.base + path, init);
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json().catch(() => null)) as Record<string, string>,
      };
    };
    const login = await json('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
    });
    const client = await json('/api/clients', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${login.body.access_token}` },
      body: JSON.stringify({ client_name: 'bulk restart', scope: 'system/*.*' }),
    });
    expect(client.status).toBe(201);
    const token = await json('/auth/token', {
      method: 'POST',
      headers: {
        authorization: basic(client.body.client_id, client.body.client_secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const auth = `Bearer ${token.body.access_token}`;
    for (let i = 0; i < PATIENTS; i += 500) {
      const entry = Array.from({ length: 500 }, (_, k) => ({
        resource: { resourceType: 'Patient', name: [{ family: `Restart${i + k}` }] },
        request: { method: 'POST', url: 'Patient' },
      }));
      const res = await json('/fhir', {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
      });
      expect(res.status).toBe(200);
    }
    const kick = await fetch(`${api.base}/fhir/$export?_type=Patient`, {
      headers: { authorization: auth, prefer: 'respond-async', accept: 'application/fhir+json' },
    });
    expect(kick.status).toBe(202);
    const location = kick.headers.get('content-location')!;
    // Wait until the job has finished its first files, then kill the server without warning. (The job's folder is
    // watched rather than its status: the status may be polled once a second, and on a quick machine the whole
    // export takes about that long.)
    const jobDir = join(dir, location.split('/').pop()!);
    const finished = () => (existsSync(jobDir) ? readdirSync(jobDir).filter((f) => !f.endsWith('.part')).length : 0);
    const deadline = Date.now() + 120_000;
    while (finished() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const finishedAtKill = finished();
    expect(finishedAtKill).toBeGreaterThan(0);

    // The next start (another instance on the same database) takes the job over once its lease has run out.
    t = await createTestApp(db, env, { databaseUrl });
    const done = await poll(t.http, location, auth, 60_000);
    expect(done.status).toBe(200);
    const manifest = done.body as Manifest;
    let total = 0;
    for (const out of manifest.output) {
      expect(out.url).not.toMatch(/\.part$/);
      const lines = await download(t.http, out.url, auth);
      expect(lines).toHaveLength(out.count);
      total += out.count;
    }
    expect(total).toBe(PATIENTS);
    expect(readdirSync(jobDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(readdirSync(jobDir)).toHaveLength(manifest.output.length);
    // The kill landed mid-export: the next start had files left to write.
    expect(finishedAtKill).toBeLessThan(manifest.output.length);
  }, 420_000);
});

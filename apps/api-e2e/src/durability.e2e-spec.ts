import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../../api/test/support/free-port';
import { apiMain, repoRoot } from './support/built-api';
import demo from '../../api/src/demo/ccri-demo-clients.json';

const ADMIN_PASSWORD = 'durability-admin-password-0123';
const patientAccess = demo.clients.find((c) => c.client_id === 'patient-access')!;
const basic = 'Basic ' + Buffer.from(`${patientAccess.client_id}:${patientAccess.client_secret}`).toString('base64');

interface Running {
  child: ChildProcess;
  url: string;
}

async function start(databaseUrl: string, home: string): Promise<Running> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--no-allocation-site-pretenuring', apiMain], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      PORT: String(port),
      PUBLIC_URL: 'http://ccri.durability.test',
      DATABASE_URL: databaseUrl,
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: '',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  // Generous: a demo-mode start hashes two demo passwords and seeds on a CI machine that may be busy.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the API exited during start-up');
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the API was not ready within 90 s');
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, 'SIGKILL');
  });
}

async function mysqlScratch(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  if (!process.env.TEST_MYSQL_URL) return null;
  const base = new URL(process.env.TEST_MYSQL_URL);
  const name = `ccri_test_${randomBytes(6).toString('hex')}`;
  const conn = await createConnection({
    host: base.hostname,
    port: Number(base.port || 3306),
    user: decodeURIComponent(base.username),
    password: decodeURIComponent(base.password),
  });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  base.pathname = `/${name}`;
  return {
    url: base.toString(),
    drop: async () => {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    },
  };
}

const databases = process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];

// DESIGN.md §Storage: a write the API acknowledged survives a crash of the process (kill -9), and so does the audit
// record of every request that got an answer.
describe.each(databases)('durability across kill -9 on %s', (db) => {
  it('keeps every acknowledged write and the audit record of every answered request', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'ccri-durability-'));
    const mysql = db === 'mysql' ? await mysqlScratch() : null;
    const databaseUrl = mysql ? mysql.url : `sqlite:${path.join(home, 'durable.sqlite')}`;
    let running = await start(databaseUrl, home);
    try {
      const token = (
        (await (
          await fetch(`${running.url}/auth/token`, {
            method: 'POST',
            headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
            body: 'grant_type=client_credentials',
          })
        ).json()) as { access_token: string }
      ).access_token;

      // Concurrent creates, each answered 201 with the audit record committed before the answer.
      const requests = Array.from({ length: 40 }, (_, i) => ({ requestId: randomUUID(), family: `Durable${i}` }));
      const answered = await Promise.all(
        requests.map(async (r) => {
          const res = await fetch(`${running.url}/fhir/Patient`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/fhir+json',
              'x-request-id': r.requestId,
            },
            body: JSON.stringify({ resourceType: 'Patient', name: [{ family: r.family }] }),
          });
          expect(res.status).toBe(201);
          const location = res.headers.get('location')!;
          return { ...r, id: /Patient\/([^/]+)/.exec(location)![1] };
        }),
      );
      await killHard(running.child);

      running = await start(databaseUrl, home);
      for (const r of answered) {
        const res = await fetch(`${running.url}/fhir/Patient/${r.id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect({ id: r.id, status: res.status }).toEqual({ id: r.id, status: 200 });
        expect(((await res.json()) as { name: { family: string }[] }).name[0].family).toBe(r.family);
      }
      const session = (
        (await (
          await fetch(`${running.url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
          })
        ).json()) as { access_token: string }
      ).access_token;
      const audit = (await (
        await fetch(`${running.url}/api/audit?client_id=patient-access&type=Patient&limit=1000`, {
          headers: { authorization: `Bearer ${session}` },
        })
      ).json()) as { items: { request_id: string; action: string; outcome: string }[] };
      const recorded = new Set(
        audit.items.filter((a) => a.action === 'create' && a.outcome === 'success').map((a) => a.request_id),
      );
      for (const r of answered) expect(recorded.has(r.requestId)).toBe(true);
    } finally {
      if (running.child.exitCode === null && running.child.signalCode === null) await killHard(running.child);
      await mysql?.drop();
      rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);
});

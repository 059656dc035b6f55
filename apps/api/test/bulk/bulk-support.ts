import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type TestAgent from 'supertest/lib/agent';

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string; count: number }[];
}

/** A fresh folder for a test app's export files (BULK_EXPORT_DIR). */
export function exportDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ccri-bulk-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The path of an absolute URL on the test server. */
export function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** Polls a status URL honouring Retry-After until the manifest (200) or another final answer. */
export async function poll(
  http: TestAgent,
  statusUrl: string,
  auth: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await http.get(pathOf(statusUrl)).set('Authorization', auth);
    if (res.status !== 202) return { status: res.status, body: res.body, headers: res.headers };
    expect(res.headers['x-progress']).toBeTruthy();
    const wait = Number(res.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    if (Date.now() > deadline) throw new Error(`export still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

/** Downloads one manifest file and parses its NDJSON lines. */
export async function download(http: TestAgent, url: string, auth: string): Promise<Record<string, unknown>[]> {
  const res = await http
    .get(pathOf(url))
    .set('Authorization', auth)
    .set('Accept', 'application/fhir+ndjson')
    .buffer(true)
    .parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (text += c));
      r.on('end', () => cb(null, text));
    });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
  return (res.body as string)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

#!/usr/bin/env node
// A cheap check that the built product runs on the Node that runs this script (CI runs it on the machine's own Node
// while `engines` still accepts it, and the suites on the LTS they target): start the built API as `npm start` does,
// in demo mode on an in-memory database, and walk the CCRI's first journey — discovery, a client-credentials token
// with the secret in a Basic header, a FHIR search with it. Prints one line and exits 0 or 1.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = JSON.parse(readFileSync(path.join(root, 'apps/api/src/demo/ccri-demo-clients.json'), 'utf8'));
const client = demo.clients.find((c) => c.client_id === 'patient-access');

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function expectOk(step, response) {
  if (!response.ok) throw new Error(`${step}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
// The API's V8 flags, as `npm start` gives them (docs/architecture.md, "Young objects stay young").
const api = spawn(process.execPath, ['--no-allocation-site-pretenuring', path.join(root, 'apps/api/dist/main.js')], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    DATABASE_URL: 'sqlite::memory:',
    DEMO_MODE: 'true',
    NODE_ENV: 'development',
    ADMIN_PASSWORD: 'smoke-admin-password-0123',
    DEMO_USER_PASSWORD: 'smoke-user-password-0123',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const exited = new Promise((resolve) => api.once('exit', (code) => resolve(code)));

let failure = null;
try {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error('the API was not ready within 120 s');
    if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const smart = await expectOk('discovery', await fetch(`${base}/fhir/.well-known/smart-configuration`));
  const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const token = await expectOk(
    'token',
    await fetch(smart.token_endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }),
  );
  const bundle = await expectOk(
    'FHIR search',
    await fetch(`${base}/fhir/Patient`, { headers: { authorization: `Bearer ${token.access_token}` } }),
  );
  if (bundle.resourceType !== 'Bundle' || !(bundle.total > 0)) throw new Error('FHIR search: no demo patients');
} catch (e) {
  failure = e;
} finally {
  api.kill('SIGTERM');
  await exited;
}
if (failure) {
  console.log(`smoke on Node ${process.version}: failed: ${failure.message}`);
  process.exit(1);
}
console.log(`smoke on Node ${process.version}: passed (discovery, token, FHIR search)`);

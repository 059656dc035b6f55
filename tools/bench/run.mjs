#!/usr/bin/env node
// Load benchmark (`npm run bench`), measured in one run on this machine: token issuance (client_credentials with
// client_secret_basic and with private_key_jwt; the authorization-code exchange with PKCE and the refresh grant of a
// confidential SMART app acting for a signed-in patient), FHIR read by id, Patient search by family and by identifier
// over BENCH_PATIENTS patients, and ingest of those patients in transaction bundles of 500, on SQLite and on MariaDB.
// Every HTTP scenario stands beside its ceiling: a bare node:http server returning the same bytes, loaded the same
// way; token rows also beside the RS256 signatures one core makes per second. The API runs as `npm start` runs it
// (apps/api/dist), as a child process on a free port of 127.0.0.1; autocannon loads it from a fresh process per
// measurement (load.mjs). After the ingest, a FHIR Bulk Data export of those patients: resources per second and the
// API process's peak RSS while it ran. Results also go to test-output/bench-results.json.
//
//   npm run bench                    both databases
//   npm run bench -- sqlite          only the named ones (sqlite, mariadb)
//   BENCH_DURATION=10 BENCH_CONNECTIONS=100 BENCH_PATIENTS=20000 npm run bench
//   BENCH_PATIENTS=2000 BENCH_DURATION=2 node tools/bench/run.mjs sqlite    a quick run of the built API
//   BENCH_LOG=1 npm run bench        with the API's own output
//   BENCH_ROWS='FHIR read,search' npm run bench -- mariadb    only the rows whose names start so (ingest always runs:
//                                    it loads the data the other rows read)
//   BENCH_CPU_PROF=/tmp/prof npm run bench    the API runs under `node --cpu-prof`; its .cpuprofile goes there
//   BENCH_ROUNDS=5 npm run bench     rounds of each repeatable row (default 3): the API, then its ceiling, in turn; the
//                                    row reports the median rates and the median of the rounds' ratios
import { execFileSync, fork, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, medianOf, peerScenarios, printPeerTable } from './peers.mjs';
import { printColumns } from './table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const settings = {
  duration: positiveNumber('BENCH_DURATION', 5),
  connections: positiveNumber('BENCH_CONNECTIONS', 50),
  // Rounds of a repeatable row (reads, searches, client_secret_basic tokens): the API, then its ceiling, each round.
  rounds: positiveNumber('BENCH_ROUNDS', 3),
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node [nodeArgs] <script>` from the repository root with PORT set to a free port, and resolves once
 * `GET <readyPath>` answers 200 (bounded by readyTimeoutMs). `env` adds to the benchmark's own
 * environment: the API is started this way with its DATABASE_URL (a SQLite file or MariaDB) and raised
 * rate limits. Resolves to `{ url, stop }`; `stop()` ends the process by its PID.
 */
async function startTarget({ script, env = {}, readyPath = '/', readyTimeoutMs = 30_000, nodeArgs = [] }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), PUBLIC_URL: url },
    stdio: ['ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    await exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `${path.relative(root, script)} exited early (${child.exitCode ?? child.signalCode}):\n${stderr}`,
      );
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return { url, stop, pid: child.pid };
      last = `HTTP ${res.status}`;
    } catch (e) {
      // not listening yet
      last = e.cause?.code ?? e.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(
    `${path.relative(root, script)} was not ready after ${readyTimeoutMs} ms (last: ${last} from ${url}${readyPath}):\n${stderr}`,
  );
}

const DEMO = JSON.parse(readFileSync(path.join(root, 'apps/api/src/demo/ccri-demo-clients.json'), 'utf8'));
const PATIENT_ACCESS = DEMO.clients.find((c) => c.client_id === 'patient-access');
const BASIC = 'Basic ' + Buffer.from(`${PATIENT_ACCESS.client_id}:${PATIENT_ACCESS.client_secret}`).toString('base64');
const ADMIN_PASSWORD = 'bench-admin-password-0123';
const PATIENTS = positiveNumber('BENCH_PATIENTS', 100_000);
const BUNDLE_SIZE = 500;

/** A valid NHS number (Modulus 11) from a sequence number, skipping bases whose check digit would be 10. */
function nhsNumber(seq) {
  for (let n = 900_000_000 + seq * 2; ; n++) {
    const digits = String(n).split('').map(Number);
    const sum = digits.reduce((acc, d, i) => acc + d * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${n}${check}`;
  }
}

function patient(i) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber(i) }],
    name: [{ family: `Surname${i % 5000}`, given: [`Given${i % 997}`] }],
    gender: i % 2 ? 'male' : 'female',
    birthDate: `19${String(40 + (i % 60)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 9}`,
  };
}

/** The RS256 signatures one core makes per second with node:crypto: what bounds issuance confined to one core. */
function signingCeiling() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 3000) {
    cryptoSign('sha256', data, privateKey);
    n++;
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

async function json(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Runs `task(i)` for i < count, `concurrency` at a time; resolves to the results in order. */
async function inPool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

// A SMART app acting for a person: a confidential client (client_secret_basic, as the client_credentials row) asks
// for what a typical standalone patient app does, so each exchange and refresh signs an access token and an id_token.
const APP_REDIRECT_URI = 'http://127.0.0.1:9/cb';
const APP_SCOPE = 'openid fhirUser launch/patient patient/Patient.rs offline_access';
const PERSON_PASSWORD = 'bench-patient-password-0123';
/** Concurrent requests while making codes and refresh tokens (the measurement itself uses BENCH_CONNECTIONS). */
const MAKE_CONCURRENCY = 8;
const MAX_BODIES = 15_000;

/** The fields a browser posts from the page's form with this action: hidden inputs and ticked checkboxes. */
function formFields(html, action) {
  const decode = (s) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  const attr = (tag, name) => {
    const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
    if (m) return decode(m[1]);
    return new RegExp(`\\s${name}(?=[\\s/>])`).test(tag) ? '' : null;
  };
  for (const [, head, body] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    if (attr(`<form${head}>`, 'action') !== action) continue;
    const fields = new URLSearchParams();
    for (const [tag] of body.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(tag, 'name');
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      if (name && (type === 'hidden' || (type === 'checkbox' && attr(tag, 'checked') !== null)))
        fields.append(name, attr(tag, 'value') ?? '');
    }
    return fields;
  }
  throw new Error(`no form posting to ${action} in the page: ${html.slice(0, 300)}`);
}

/**
 * A person's browser at the authorization endpoint: it keeps the cookies it is given (`ccri_csrf`, then
 * `ccri_session`) and does not follow redirects, so the app's redirect_uri (not served) is read, not visited.
 */
class Browser {
  cookies = new Map();

  constructor(base) {
    this.base = base;
  }

  async request(target, form) {
    const res = await fetch(new URL(target, this.base), {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form?.toString(),
    });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }
}

/** RFC 7636 §4.1–4.2: a fresh verifier and its S256 challenge. */
function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `GET /auth/authorize` for the bench app, with a new PKCE pair and state; `code` is read back from the redirect. */
function authorizeRequest(apiUrl, clientId) {
  const { verifier, challenge } = pkcePair();
  const state = randomUUID();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: APP_REDIRECT_URI,
    scope: APP_SCOPE,
    state,
    aud: `${apiUrl}/fhir`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return { target: `/auth/authorize?${query}`, state, verifier };
}

/** The code of a redirect to the app (RFC 6749 §4.1.2), checked against the state sent. */
function codeFrom(answer, state) {
  if (answer.status < 300 || answer.status > 399 || !answer.location?.startsWith(APP_REDIRECT_URI))
    throw new Error(`the authorization endpoint answered ${answer.status} instead of a redirect to the app`);
  const params = new URL(answer.location).searchParams;
  if (!params.get('code') || params.get('state') !== state)
    throw new Error(`the redirect to the app carries no code for this state: ${answer.location.slice(0, 300)}`);
  return params.get('code');
}

/** Signs the person in and allows the app's scopes once (remembered consent); returns the first code. */
async function signInAndAllow(browser, apiUrl, clientId, username) {
  const first = authorizeRequest(apiUrl, clientId);
  let answer = await browser.request(first.target);
  const signIn = formFields(answer.html, '/auth/authorize/sign-in');
  signIn.set('username', username);
  signIn.set('password', PERSON_PASSWORD);
  answer = await browser.request('/auth/authorize/sign-in', signIn);
  for (let step = 0; step < 6; step++) {
    if (answer.status >= 300 && answer.status < 400 && answer.location?.startsWith(APP_REDIRECT_URI))
      return { code: codeFrom(answer, first.state), verifier: first.verifier };
    if (answer.status >= 300 && answer.status < 400) {
      answer = await browser.request(answer.location);
    } else if (answer.status === 200 && answer.html.includes('action="/auth/authorize/consent"')) {
      const consent = formFields(answer.html, '/auth/authorize/consent');
      consent.set('decision', 'allow');
      answer = await browser.request('/auth/authorize/consent', consent);
    } else {
      throw new Error(`signing in to authorize the bench app: HTTP ${answer.status} ${answer.html.slice(0, 300)}`);
    }
  }
  throw new Error('signing in to authorize the bench app did not end in a redirect to the app');
}

/** One new code for the signed-in person (one GET: signed in and consent remembered). */
async function newCode(browser, apiUrl, clientId) {
  const request = authorizeRequest(apiUrl, clientId);
  return { code: codeFrom(await browser.request(request.target), request.state), verifier: request.verifier };
}

function codeExchangeBody({ code, verifier }) {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: APP_REDIRECT_URI,
    code_verifier: verifier,
  }).toString();
}

function refreshBody(refreshToken) {
  return `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`;
}

/** How many single-use bodies a measurement at about `estimate` requests per second needs, bounded. */
function bodiesFor(estimate) {
  return Math.max(settings.connections * 4, Math.min(MAX_BODIES, Math.ceil(estimate * settings.duration * 1.3)));
}

/** One answer of the API, whose bytes the ceiling server then returns. */
async function sample(request) {
  const res = await fetch(request.url, {
    method: request.method ?? 'GET',
    headers: request.headers,
    body: request.body,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? 'application/json',
    body: await res.text(),
  };
}

function startApi(database, extraEnv = {}) {
  return startTarget({
    script: path.join(root, 'apps/api/dist/main.js'),
    // The API's V8 flags, as `npm start` gives them (docs/architecture.md, "Young objects stay young").
    nodeArgs: [
      '--no-allocation-site-pretenuring',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    readyPath: '/health/ready',
    // A demo-mode start hashes passwords and seeds; on a crowded machine that took over two minutes.
    readyTimeoutMs: positiveNumber('BENCH_READY_SECONDS', 180) * 1000,
    env: {
      DATABASE_URL: database,
      DEMO_MODE: 'true',
      ADMIN_PASSWORD,
      ADMIN_STATIC_DIR: '',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_TOKEN_PER_MINUTE: '10000000',
      RATE_LIMIT_CLIENT_PER_MINUTE: '10000000',
      ...extraEnv,
    },
  });
}

/** Resident set size of a process in bytes, from /proc (null where there is none). */
function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * FHIR Bulk Data export of every Patient (`$export?_type=Patient`): kick-off, polls as Retry-After says, then reads
 * every file. Resources per second from kick-off to the last byte downloaded, and the API process's peak RSS (sampled
 * every 50 ms) while it ran, beside its RSS just before.
 */
async function bulkExport(url, token, pid) {
  const auth = { authorization: `Bearer ${token}` };
  const before = rssOf(pid);
  let peak = before ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid) ?? 0)), 50);
  try {
    const started = performance.now();
    const kick = await fetch(`${url}/fhir/$export?_type=Patient`, {
      headers: { ...auth, prefer: 'respond-async', accept: 'application/fhir+json' },
    });
    if (kick.status !== 202) throw new Error(`kick-off answered ${kick.status}: ${await kick.text()}`);
    const status = kick.headers.get('content-location').replace(/^https?:\/\/[^/]+/, url);
    let manifest;
    for (;;) {
      const res = await fetch(status, { headers: auth });
      if (res.status === 200) {
        manifest = await res.json();
        break;
      }
      if (res.status !== 202) throw new Error(`status answered ${res.status}: ${await res.text()}`);
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after')) * 1000));
    }
    let lines = 0;
    for (const out of manifest.output) {
      const res = await fetch(out.url.replace(/^https?:\/\/[^/]+/, url), { headers: auth });
      const text = await res.text();
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    }
    const expected = manifest.output.reduce((sum, o) => sum + o.count, 0);
    if (lines !== expected) throw new Error(`the files hold ${lines} resources, the manifest says ${expected}`);
    const seconds = (performance.now() - started) / 1000;
    return {
      resourcesPerSecond: Math.round(expected / seconds),
      resources: expected,
      files: manifest.output.length,
      before,
      peak,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Loads BENCH_PATIENTS patients as transaction bundles of 500, two bundles in flight; resources per second. */
async function ingest(url, token) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < PATIENTS) {
      const from = next;
      next += BUNDLE_SIZE;
      const entry = [];
      for (let i = from; i < Math.min(from + BUNDLE_SIZE, PATIENTS); i++) {
        entry.push({
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: patient(i),
          request: { method: 'POST', url: 'Patient' },
        });
      }
      await json(`${url}/fhir`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/fhir+json',
          prefer: 'return=minimal',
        },
        body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
      });
    }
  };
  await Promise.all([worker(), worker()]);
  return Math.round(PATIENTS / ((performance.now() - started) / 1000));
}

/** Busy share of all cores over the next `ms` milliseconds, from /proc/stat (null where there is none). */
async function busyShare(ms) {
  const read = () => {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const values = fields.map(Number);
    return { idle: values[3] + (values[4] ?? 0), total: values.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = read();
    return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
  } catch {
    return null;
  }
}

/**
 * Waits until the machine is quiet before a measurement: after an ingest of 100,000 resources the kernel is still
 * writing dirty pages back and the database flushing and purging, which would be measured as the next scenario's
 * cost. Flushes with `sync`, then waits (at most a minute) for two quiet seconds in a row.
 */
async function settle() {
  try {
    execFileSync('sync');
  } catch {
    // not every platform has it
  }
  const deadline = Date.now() + 60_000;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    const busy = await busyShare(1000);
    if (busy === null) return;
    quiet = busy < 0.1 ? quiet + 1 : 0;
  }
}

/**
 * One measurement: autocannon with the benchmark's connections and duration, run in a fresh process (load.mjs) so
 * that the load generator is in the same state for every scenario and every ceiling. `bodies`: one per request, in
 * turn (for requests that cannot be repeated).
 */
function load(request, bodies) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'load.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result = null;
    child.once('message', (message) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the load generator exited with code ${code} and no result`)),
    );
    child.send({ request, connections: settings.connections, duration: settings.duration, bodies });
  });
}

/** The bare node:http server answering with the same bytes, measured the same way. */
async function ceilingFor(bytes) {
  return (await alternating(bytes, 1)).ceiling;
}

/**
 * `rounds` rounds, each loading the API (`api()`, when given) and then the ceiling server answering `bytes`. This
 * host's speed drifts by 2x within a run, so a ratio is only worth its two figures measured side by side: the row gets
 * the median of the rounds' ratios, beside the median of each figure (rates, latencies).
 */
async function alternating(bytes, rounds, api) {
  const target = await startTarget({
    script: path.join(here, 'baseline-server.mjs'),
    env: { BASELINE_BODY: bytes.body, BASELINE_CONTENT_TYPE: bytes.contentType },
  });
  const ours = [];
  const ceilings = [];
  try {
    for (let round = 0; round < rounds; round++) {
      if (api) ours.push(await api());
      ceilings.push(await load({ url: `${target.url}/` }));
    }
  } finally {
    await target.stop();
  }
  const ceiling = medianOf(ceilings);
  if (!api) return { ceiling };
  return {
    measured: medianOf(ours),
    ceiling,
    ofCeiling: median(ours.map((o, i) => o.requestsPerSecond / ceilings[i].requestsPerSecond)),
    rounds: ours.map((o, i) => ({ requestsPerSecond: o.requestsPerSecond, ceiling: ceilings[i].requestsPerSecond })),
  };
}

/** Everything measured against one running API on one database. */
async function apiScenarios(label, database) {
  const exportDir = mkdtempSync(path.join(tmpdir(), 'ccri-bench-export-'));
  const api = await startApi(database, { BULK_EXPORT_DIR: exportDir, BULK_EXPORT_RETRY_AFTER_SECONDS: '1' });
  const rows = [];
  try {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const token = (
      await json(`${api.url}/auth/token`, {
        method: 'POST',
        headers: { ...form, authorization: BASIC },
        body: 'grant_type=client_credentials',
      })
    ).access_token;
    const admin = (
      await json(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      })
    ).access_token;

    // A SMART Backend Services client; its ES256 assertions are made before the run (each jti is used once).
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256' };
    const backend = (
      await json(`${api.url}/api/clients`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'bench backend',
          scope: 'system/Patient.read',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [jwk] },
        }),
      })
    ).client_id;
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'bench', typ: 'JWT' })).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 290;
    const assertions = [];
    for (let i = 0; i < 12_000 * settings.duration; i++) {
      const payload = Buffer.from(
        JSON.stringify({ iss: backend, sub: backend, aud: `${api.url}/auth/token`, jti: randomUUID(), exp }),
      ).toString('base64url');
      const sig = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), {
        key: privateKey,
        dsaEncoding: 'ieee-p1363',
      }).toString('base64url');
      assertions.push(
        `grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${header}.${payload}.${sig}`,
      );
    }
    let nextAssertion = 0;
    const takeAssertion = () => assertions[nextAssertion++ % assertions.length];

    const patientId = (
      await json(`${api.url}/fhir/Patient`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/fhir+json',
          prefer: 'return=representation',
        },
        body: JSON.stringify(patient(PATIENTS + 1)),
      })
    ).id;

    // A person (a patient who signs in) and a SMART app acting for them: signed in once, consent remembered, so each
    // further GET /auth/authorize redirects straight back with a new code.
    const adminJson = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    await json(`${api.url}/api/users`, {
      method: 'POST',
      headers: adminJson,
      body: JSON.stringify({
        username: 'bench-patient',
        display_name: 'Bench Patient',
        role: 'patient',
        fhir_user: `Patient/${patientId}`,
        password: PERSON_PASSWORD,
      }),
    });
    const app = await json(`${api.url}/api/clients`, {
      method: 'POST',
      headers: adminJson,
      body: JSON.stringify({
        client_name: 'bench SMART app',
        scope: APP_SCOPE,
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [APP_REDIRECT_URI],
      }),
    });
    // RFC 6749 §2.3.1: client_secret_basic form-encodes the id and secret before Base64.
    const appBasic =
      'Basic ' +
      Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString('base64');
    const browser = new Browser(api.url);
    const code = () => newCode(browser, api.url, app.client_id);
    /** Redeems a code as the app does; resolves to the refresh token (offline_access). */
    const exchange = async (pair) => {
      const answer = await json(`${api.url}/auth/token`, {
        method: 'POST',
        headers: { ...form, authorization: appBasic },
        body: codeExchangeBody(pair),
      });
      if (!answer.refresh_token) throw new Error('the code exchange returned no refresh_token');
      return answer.refresh_token;
    };
    const refreshTokens = [await exchange(await signInAndAllow(browser, api.url, app.client_id, 'bench-patient'))];

    const ingestRow = {
      scenario: `ingest (${label})`,
      description: `${PATIENTS.toLocaleString('en-US')} patients in transaction bundles of ${BUNDLE_SIZE}, 2 in flight`,
    };
    try {
      ingestRow.resourcesPerSecond = await ingest(api.url, token);
    } catch (e) {
      ingestRow.error = `ingest failed: ${e.message.split('\n')[0].slice(0, 200)}`;
    }
    rows.push(ingestRow);

    const bearer = { authorization: `Bearer ${token}` };
    const http = [
      {
        name: 'token client_secret_basic',
        request: {
          url: `${api.url}/auth/token`,
          method: 'POST',
          headers: { ...form, authorization: BASIC },
          body: 'grant_type=client_credentials',
        },
      },
      {
        name: 'token private_key_jwt',
        request: { url: `${api.url}/auth/token`, method: 'POST', headers: form, body: takeAssertion() },
        fresh: true,
      },
      {
        // Codes live 60 s, so they are made right before the measurement, as many as a short pilot says it needs.
        name: 'token authorization_code',
        request: { url: `${api.url}/auth/token`, method: 'POST', headers: { ...form, authorization: appBasic } },
        signatures: 2,
        bodies: async () => {
          if (settings.duration > 40) throw new Error('BENCH_DURATION over 40 s would outlive the 60 s codes');
          const pilot = 200;
          let started = performance.now();
          const pilotCodes = await inPool(pilot, MAKE_CONCURRENCY, code);
          const codesPerSecond = pilot / ((performance.now() - started) / 1000);
          started = performance.now();
          refreshTokens.push(...(await inPool(pilot, settings.connections, (i) => exchange(pilotCodes[i]))));
          const exchangesPerSecond = pilot / ((performance.now() - started) / 1000);
          // Made and used within the codes' 60 s: making them takes count / codesPerSecond.
          const count = Math.min(bodiesFor(exchangesPerSecond), Math.floor(codesPerSecond * (45 - settings.duration)));
          return (await inPool(count, MAKE_CONCURRENCY, code)).map(codeExchangeBody);
        },
      },
      {
        // Each refresh token comes from a code exchange; as many as the exchange's measured rate says are needed.
        name: 'token refresh_token',
        request: { url: `${api.url}/auth/token`, method: 'POST', headers: { ...form, authorization: appBasic } },
        signatures: 2,
        bodies: async () => {
          const exchanged = rows.find((r) => r.scenario === `token authorization_code (${label})`);
          const count = bodiesFor(exchanged?.requestsPerSecond ?? 0) - refreshTokens.length;
          const made = await inPool(Math.max(0, count), MAKE_CONCURRENCY, async () => exchange(await code()));
          return [...refreshTokens.splice(0), ...made].map(refreshBody);
        },
      },
      { name: 'FHIR read by id', request: { url: `${api.url}/fhir/Patient/${patientId}`, headers: bearer } },
      { name: 'search family', request: { url: `${api.url}/fhir/Patient?family=Surname1234`, headers: bearer } },
      {
        name: 'search identifier',
        request: {
          url: `${api.url}/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber(4321)}`,
          headers: bearer,
        },
      },
    ];
    const rowNames = process.env.BENCH_ROWS?.split(',').map((n) => n.trim());
    const wantedRows = http.filter(({ name }) => !rowNames || rowNames.some((n) => name.startsWith(n)));
    for (const { name, request, fresh, bodies: makeBodies, signatures } of wantedRows) {
      await settle();
      // This machine's speed drifts over minutes (a shared host), so each token row gets the one-core signing rate
      // measured just before it, not only the one at the start of the run.
      const signingBeside = name.startsWith('token') ? signingCeiling() : undefined;
      // Single-use bodies (client assertions, codes, refresh tokens): the first for the sample, the rest for the load.
      let bodies;
      try {
        bodies = fresh ? assertions.slice(nextAssertion) : makeBodies ? await makeBodies() : undefined;
      } catch (e) {
        rows.push({
          scenario: `${name} (${label})`,
          error: `preparing failed: ${e.message.split('\n')[0].slice(0, 200)}`,
        });
        continue;
      }
      const bytes = await sample(bodies ? { ...request, body: bodies[0] } : request);
      // A repeatable request alternates with its ceiling; single-use bodies are measured once, the ceiling right after.
      const { measured, ceiling, ofCeiling, rounds } = bodies
        ? { measured: await load({ ...request, body: bodies[1] }, bodies.slice(1)), ceiling: await ceilingFor(bytes) }
        : await alternating(bytes, settings.rounds, () => load(request));
      rows.push({
        scenario: `${name} (${label})`,
        description:
          `HTTP ${bytes.status}, ${bytes.body.length} bytes` +
          (signatures ? `, ${signatures} RS256 signatures each` : '') +
          (makeBodies ? `, ${(bodies.length - 1).toLocaleString('en-US')} made` : '') +
          (measured.ranOut ? `; ran out after ${measured.ranOutAfterSeconds.toFixed(1)} s` : '') +
          (rounds ? `; median of ${rounds.length} rounds` : ''),
        ...measured,
        ceiling,
        ...(rounds ? { ofCeiling, rounds } : {}),
        ...(signingBeside ? { signingPerSecondOneCore: signingBeside, signaturesPerRequest: signatures ?? 1 } : {}),
      });
    }

    // Last, so the time it takes does not age the client assertions made for the token rows (they expire).
    await settle();
    const exportRow = { scenario: `bulk export (${label})` };
    try {
      const mib = (bytes) => `${Math.round(bytes / 1048576)} MiB`;
      const measured = await bulkExport(api.url, token, api.pid);
      exportRow.resourcesPerSecond = measured.resourcesPerSecond;
      exportRow.peakRssBytes = measured.peak;
      exportRow.description =
        `$export?_type=Patient: ${measured.resources.toLocaleString('en-US')} patients in ${measured.files} files, ` +
        `kick-off to last file read; API peak RSS ${mib(measured.peak)} (before: ${mib(measured.before ?? 0)})`;
    } catch (e) {
      exportRow.error = `bulk export failed: ${e.message.split('\n')[0].slice(0, 200)}`;
    }
    rows.push(exportRow);
  } finally {
    await api.stop();
    rmSync(exportDir, { recursive: true, force: true });
  }
  return rows;
}

/** One database per bench process, so two runs at once on one MariaDB server do not drop each other's data. */
const BENCH_DATABASE = `ccri_bench_${process.pid}`;

/** Runs `sql` on the BENCH_MYSQL_URL (or TEST_MYSQL_URL) server; resolves to its URL, or null if unreachable. */
async function onMysqlServer(sql) {
  const base = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const { createConnection } = await import('mysql2/promise');
  const u = new URL(base);
  try {
    const conn = await createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    });
    for (const statement of sql) await conn.query(statement);
    await conn.end();
  } catch (e) {
    console.log(`MariaDB/MySQL not reachable at ${u.host} (${e.message}); its scenarios are left out`);
    return null;
  }
  u.pathname = `/${BENCH_DATABASE}`;
  return u.toString();
}

const scenarios = [
  {
    name: 'sqlite',
    run: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'ccri-bench-'));
      try {
        return await apiScenarios('SQLite', `sqlite:${path.join(dir, 'bench.sqlite')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'mariadb',
    run: async () => {
      const url = await onMysqlServer([
        `DROP DATABASE IF EXISTS ${BENCH_DATABASE}`,
        `CREATE DATABASE ${BENCH_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      ]);
      if (!url) return [];
      try {
        return await apiScenarios('MariaDB', url);
      } finally {
        await onMysqlServer([`DROP DATABASE IF EXISTS ${BENCH_DATABASE}`]);
      }
    },
  },
  {
    // Token issuance per signing algorithm beside panva's oidc-provider (peers.mjs).
    name: 'peers',
    run: () => peerScenarios({ startApi, startTarget, load, settle, client: PATIENT_ACCESS }),
  },
];

function printTable(rows, signing) {
  const pct = (a, b) => (a && b ? `${((a / b) * 100).toFixed(1)}%` : '');
  const columns = [
    ['scenario', (r) => r.scenario],
    [
      'rate',
      (r) =>
        r.resourcesPerSecond !== undefined
          ? `${r.resourcesPerSecond.toLocaleString('en-US')} res/s`
          : r.requestsPerSecond !== undefined
            ? `${r.requestsPerSecond.toLocaleString('en-US')} req/s`
            : '',
    ],
    ['p50 ms', (r) => String(r.p50Ms ?? '')],
    ['p99 ms', (r) => String(r.p99Ms ?? '')],
    ['ceiling req/s', (r) => (r.ceiling ? r.ceiling.requestsPerSecond.toLocaleString('en-US') : '')],
    [
      'of ceiling',
      (r) =>
        r.ofCeiling ? pct(r.ofCeiling, 1) : r.ceiling ? pct(r.requestsPerSecond, r.ceiling.requestsPerSecond) : '',
    ],
    ['1-core RS256/s', (r) => (r.signingPerSecondOneCore ? r.signingPerSecondOneCore.toLocaleString('en-US') : '')],
    [
      'x 1-core RS256',
      (r) =>
        r.scenario.startsWith('token') && r.requestsPerSecond
          ? ((r.requestsPerSecond * (r.signaturesPerRequest ?? 1)) / (r.signingPerSecondOneCore ?? signing)).toFixed(2)
          : '',
    ],
    ['non-2xx', (r) => String(r.non2xx ?? '')],
    ['what', (r) => r.error ?? r.description],
  ];
  printColumns(columns, rows);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? scenarios.filter((scenario) => wanted.includes(scenario.name)) : scenarios;

console.log(
  `autocannon: ${settings.connections} connections, ${settings.duration} s per measurement; ${cpus().length} cores; Node ${process.version}`,
);
const signing = signingCeiling();
console.log(`RS256 signatures per second on one core (node:crypto): ${signing.toLocaleString('en-US')}\n`);
const rows = [];
for (const scenario of selected) {
  process.stdout.write(`measuring the API on ${scenario.name} ...\n`);
  rows.push(...(await scenario.run()));
}
console.log('');
printTable(
  rows.filter((row) => !row.peer),
  signing,
);
printPeerTable(rows);

const outDir = path.join(root, 'test-output');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'bench-results.json'),
  JSON.stringify({ settings, node: process.version, signingPerSecondOneCore: signing, rows }, null, 2) + '\n',
);
process.exitCode = rows.some((row) => row.error || row.errors > 0 || row.non2xx > 0) ? 1 : 0;

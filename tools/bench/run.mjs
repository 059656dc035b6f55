#!/usr/bin/env node
// Load benchmark (`npm run bench`). Each scenario starts what it measures as a child process on a free
// port of 127.0.0.1, autocannon loads it from this process, and one table row per scenario is printed
// (requests/s, average, p50 and p99 latency in ms) and written to test-output/bench-results.json.
//
//   npm run bench                    every scenario
//   npm run bench -- baseline        only the named ones
//   BENCH_DURATION=10 BENCH_CONNECTIONS=100 npm run bench
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * Starts `node <script>` from the repository root with PORT set to a free port, and resolves once
 * `GET <readyPath>` answers 200 (bounded by readyTimeoutMs). `env` adds to the benchmark's own
 * environment: the API is started this way with its DATABASE_URL (a SQLite file or MariaDB) and raised
 * rate limits. Resolves to `{ url, stop }`; `stop()` ends the process by its PID.
 */
async function startTarget({ script, env = {}, readyPath = '/', readyTimeoutMs = 30_000 }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
    await exited;
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${path.relative(root, script)} exited early:\n${stderr}`);
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${path.relative(root, script)} was not ready after ${readyTimeoutMs} ms:\n${stderr}`);
}

/**
 * What `npm run bench` measures. `prepare()` starts the target and resolves to `{ request, close }`:
 * `request` holds autocannon's request options (`url`, and where needed `method`, `headers`, `body`,
 * or `requests` for a sequence per connection); `close()` stops the target. A scenario against the
 * API starts `apps/api/dist/main.js` with startTarget (readyPath `/health/ready`), obtains what its
 * requests need (a token, a seeded resource) in `prepare()`, and is added to this list.
 */
const scenarios = [
  {
    name: 'baseline',
    description: 'bare node:http server, fixed JSON body',
    async prepare() {
      const target = await startTarget({ script: path.join(here, 'baseline-server.mjs') });
      return { request: { url: `${target.url}/` }, close: target.stop };
    },
  },
];

async function measure(scenario) {
  const { request, close } = await scenario.prepare();
  try {
    const result = await autocannon({ ...request, connections: settings.connections, duration: settings.duration });
    return {
      scenario: scenario.name,
      description: scenario.description,
      requestsPerSecond: Math.round(result.requests.average),
      averageMs: result.latency.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await close();
  }
}

function printTable(rows) {
  const columns = [
    ['scenario', (r) => r.scenario],
    ['req/s', (r) => r.requestsPerSecond.toLocaleString('en-US')],
    ['avg ms', (r) => r.averageMs.toFixed(2)],
    ['p50 ms', (r) => String(r.p50Ms)],
    ['p99 ms', (r) => String(r.p99Ms)],
    ['requests', (r) => r.requests.toLocaleString('en-US')],
    ['non-2xx', (r) => String(r.non2xx)],
    ['errors', (r) => String(r.errors)],
    ['what', (r) => r.description],
  ];
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const format = (line) =>
    line
      .map((cell, i) => (i === 0 || i === line.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(format(cells[0]));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of cells.slice(1)) console.log(format(line));
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? scenarios.filter((scenario) => wanted.includes(scenario.name)) : scenarios;

console.log(`autocannon: ${settings.connections} connections, ${settings.duration} s per scenario\n`);
const rows = [];
for (const scenario of selected) {
  process.stdout.write(`measuring ${scenario.name} ...\n`);
  rows.push(await measure(scenario));
}
console.log('');
printTable(rows);

const outDir = path.join(root, 'test-output');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'bench-results.json'),
  JSON.stringify({ settings, node: process.version, rows }, null, 2) + '\n',
);
process.exitCode = rows.some((row) => row.errors > 0 || row.non2xx > 0) ? 1 : 0;

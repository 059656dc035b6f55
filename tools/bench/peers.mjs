// The peers of the token rows (`npm run bench`, scenario `peers`): for each signing algorithm, the API started with
// ACCESS_TOKEN_SIGNING_ALG set to it (SQLite, demo mode) and panva's oidc-provider (oidc-peer.mjs) issuing the same
// kind of token (client_credentials, client_secret_basic, a JWT access token signed with that algorithm, the same
// scopes and audience), loaded the same way in alternate rounds, printed as `token / oidc-provider` beside the
// signatures of that algorithm one core makes per second (raw node:crypto `sign`, the parameters the API signs with).
//
//   BENCH_PEER_ALGS=RS256,ES256 npm run bench -- peers     only the named algorithms (default: all five)
//   BENCH_PEER_ROUNDS=5                                    rounds of ours-then-theirs per algorithm (default 3)
import { sign as cryptoSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printColumns } from './table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// The API's own table of node:crypto parameters per JWS algorithm (the bench runs the built API).
const { JWS_SIGN_PARAMETERS } = require('../../apps/api/dist/auth/keys/jws-algorithms.js');
const { SIGNING_ALGS } = require('../../apps/api/dist/config/app-config.js');

/** node:crypto key pairs for each algorithm (the peer makes its key the same way). */
export const KEY_TYPES = {
  RS256: ['rsa', { modulusLength: 2048 }],
  PS256: ['rsa', { modulusLength: 2048 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  ES384: ['ec', { namedCurve: 'P-384' }],
  EdDSA: ['ed25519', {}],
};

/** The `alg` signatures one core makes per second with node:crypto (3 s of signing a typical JWS input). */
export function signingRate(alg, ms = 3000) {
  const [type, options] = KEY_TYPES[alg];
  const { privateKey } = generateKeyPairSync(type, options);
  const { digest, ...parameters } = JWS_SIGN_PARAMETERS[alg];
  const key = { key: privateKey, ...parameters };
  const data = Buffer.from('eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.' + 'eyJzdWIiOiJiZW5jaCJ9'.repeat(12));
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < ms) {
    cryptoSign(digest, data, key);
    n++;
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

function algorithms() {
  const raw = process.env.BENCH_PEER_ALGS;
  if (!raw) return [...SIGNING_ALGS];
  const wanted = raw.split(',').map((a) => a.trim());
  const unknown = wanted.filter((a) => !SIGNING_ALGS.includes(a));
  if (unknown.length)
    throw new Error(`BENCH_PEER_ALGS: unknown ${unknown.join(', ')}; known: ${SIGNING_ALGS.join(', ')}`);
  return wanted;
}

/** The `alg` of a compact JWS, and its payload. */
function decode(jwt) {
  const [header, payload] = jwt
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { alg: header.alg, payload };
}

async function tokenAnswer(url, basic, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Rows `token <alg> vs oidc-provider`: the API's client_credentials rate with `alg` and oidc-provider's. Both run
 * side by side (the one not measured is idle) and are loaded in turn, BENCH_PEER_ROUNDS times (default 3): ours,
 * theirs, ours, theirs… so a drift in the machine's speed (a shared host) weighs on both alike. The row gives the
 * median rate of each and the median of the rounds' ratios. `run` carries run.mjs's helpers: startApi(database, env),
 * startTarget, load(request), settle() and the demo client (`client_id`, `client_secret`).
 */
export async function peerScenarios({ startApi, startTarget, load, settle, client }) {
  const rows = [];
  const basic = 'Basic ' + Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
  const body = 'grant_type=client_credentials';
  const rounds = Math.max(1, Math.round(Number(process.env.BENCH_PEER_ROUNDS || 3)));
  for (const alg of algorithms()) {
    const scenario = `token ${alg} vs oidc-provider (SQLite)`;
    const dir = mkdtempSync(path.join(tmpdir(), 'ccri-bench-peer-'));
    const started = [];
    try {
      const api = await startApi(`sqlite:${path.join(dir, 'bench.sqlite')}`, { ACCESS_TOKEN_SIGNING_ALG: alg });
      started.push(api);
      const sample = await tokenAnswer(`${api.url}/auth/token`, basic, body);
      if (decode(sample.access_token).alg !== alg)
        throw new Error(`the API signed with ${decode(sample.access_token).alg}`);
      const startPeer = () =>
        startTarget({
          script: path.join(here, 'oidc-peer.mjs'),
          readyPath: '/.well-known/openid-configuration',
          env: {
            PEER_ALG: alg,
            PEER_CLIENT_ID: client.client_id,
            PEER_CLIENT_SECRET: client.client_secret,
            PEER_SCOPE: sample.scope,
            PEER_AUDIENCE: decode(sample.access_token).payload.aud,
          },
        });
      // Started once more should the first start not answer (seen once in a full run: ready in under a second when
      // started alone); a second failure fails the row.
      const peer = await startPeer().catch((e) => {
        console.log(`oidc-provider (${alg}) did not start, trying once more: ${e.message.split('\n')[0]}`);
        return startPeer();
      });
      started.push(peer);
      // The same scopes asked for by name (the API grants a client's registered scopes when none are named).
      const peerBody = `${body}&scope=${encodeURIComponent(sample.scope)}`;
      const peerSample = await tokenAnswer(`${peer.url}/token`, basic, peerBody);
      if (decode(peerSample.access_token).alg !== alg) throw new Error('oidc-provider signed with another alg');
      await settle();
      const ours = [];
      const theirs = [];
      for (let round = 0; round < rounds; round++) {
        ours.push(await load({ url: `${api.url}/auth/token`, method: 'POST', headers: headers(basic), body }));
        theirs.push(await load({ url: `${peer.url}/token`, method: 'POST', headers: headers(basic), body: peerBody }));
      }
      rows.push({
        scenario,
        description:
          `${JSON.stringify(sample).length} vs ${JSON.stringify(peerSample).length} bytes; ` +
          `${sample.scope.split(' ').length} scopes; ${rounds} rounds, ratios ` +
          ours.map((o, i) => (o.requestsPerSecond / theirs[i].requestsPerSecond).toFixed(2)).join(' '),
        alg,
        ...medianOf(ours),
        ratio: median(ours.map((o, i) => o.requestsPerSecond / theirs[i].requestsPerSecond)),
        rounds: { ours, theirs },
        peer: { name: 'oidc-provider', ...medianOf(theirs) },
        signingPerSecondOneCore: signingRate(alg),
      });
    } catch (e) {
      rows.push({ scenario, error: e.message.split('\n')[0].slice(0, 200) });
    } finally {
      for (const target of started.reverse()) await target.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of each figure of several load results (rates, latencies); the error counts added up. */
export function medianOf(results) {
  return {
    requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

function headers(basic) {
  return { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
}

/** The peer rows' table: our rate, oidc-provider's, the ratio (the targets: ≥ 1.5× with ES256, ≥ 1.0× with RS256). */
export function printPeerTable(rows) {
  const peers = rows.filter((r) => r.peer || (r.error && r.scenario.includes('oidc-provider')));
  if (peers.length === 0) return;
  const n = (v) => (v === undefined ? '' : v.toLocaleString('en-US'));
  const columns = [
    ['alg', (r) => r.alg ?? r.scenario],
    ['token req/s', (r) => n(r.requestsPerSecond)],
    ['p99 ms', (r) => n(r.p99Ms)],
    ['oidc-provider req/s', (r) => n(r.peer?.requestsPerSecond)],
    ['p99 ms ', (r) => n(r.peer?.p99Ms)],
    ['token / oidc-provider', (r) => (r.ratio ? `${r.ratio.toFixed(2)}x` : '')],
    ['1-core sign/s', (r) => n(r.signingPerSecondOneCore)],
    ['non-2xx', (r) => (r.peer ? `${r.non2xx}/${r.peer.non2xx}` : '')],
    ['what', (r) => r.error ?? r.description],
  ];
  console.log('\nclient_credentials token issuance beside panva oidc-provider (in-memory, one process), one run:');
  printColumns(columns, peers);
}

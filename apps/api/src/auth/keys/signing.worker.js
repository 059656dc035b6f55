'use strict';
// Signs JWS inputs for the API's event loop, so signing uses every core (keys.service.ts says why a worker rather
// than node:crypto's asynchronous sign on libuv's pool). Private keys arrive from the parent with their node:crypto sign parameters
// (jws-algorithms.ts: digest, PSS padding, ECDSA's R||S encoding) and stay in memory only.
// A batch arrives as '\n'-joined key ids and signing inputs (base64url and '.', never a line break) and goes back as
// '\n'-joined base64url signatures, one string each way.
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');

const keys = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'key') {
    const { digest, ...options } = message.parameters;
    keys.set(message.kid, { digest, key: { key: createPrivateKey(message.pem), ...options } });
    return;
  }
  try {
    const kids = message.kids.split('\n');
    const signatures = message.inputs
      .split('\n')
      .map((input, i) => {
        const entry = keys.get(kids[i]);
        if (!entry) throw new Error(`unknown signing key ${kids[i]}`);
        return sign(entry.digest, Buffer.from(input), entry.key).toString('base64url');
      })
      .join('\n');
    parentPort.postMessage({ signatures });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});

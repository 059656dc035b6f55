'use strict';
// Signs JWS inputs with RS256 for the API's event loop, so RSA signing uses every core: in Node 20 node:crypto
// signs on the calling thread even with a callback. Private keys arrive from the parent and stay in memory only.
// A batch arrives as '\n'-joined key ids and signing inputs (base64url and '.', never a line break) and goes back as
// '\n'-joined base64url signatures, one string each way.
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');

const keys = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'key') {
    keys.set(message.kid, createPrivateKey(message.pem));
    return;
  }
  try {
    const kids = message.kids.split('\n');
    const signatures = message.inputs
      .split('\n')
      .map((input, i) => {
        const key = keys.get(kids[i]);
        if (!key) throw new Error(`unknown signing key ${kids[i]}`);
        return sign('sha256', Buffer.from(input), key).toString('base64url');
      })
      .join('\n');
    parentPort.postMessage({ signatures });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});

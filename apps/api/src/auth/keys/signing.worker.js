'use strict';
// Signs JWS inputs with RS256 for the API's event loop, so RSA signing uses every core: in Node 20 node:crypto
// signs on the calling thread even with a callback. Private keys arrive from the parent and stay in memory only.
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, sign } = require('node:crypto');

const keys = new Map();

parentPort.on('message', (message) => {
  if (message.type === 'key') {
    keys.set(message.kid, createPrivateKey(message.pem));
    return;
  }
  const key = keys.get(message.kid);
  if (!key) {
    parentPort.postMessage({ id: message.id, error: `unknown signing key ${message.kid}` });
    return;
  }
  try {
    const signatures = message.inputs.map((input) => sign('sha256', Buffer.from(input), key).toString('base64url'));
    parentPort.postMessage({ id: message.id, signatures });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) });
  }
});

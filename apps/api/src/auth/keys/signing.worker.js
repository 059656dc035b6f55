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
    // Inputs and signatures travel as one '\n'-joined string each (base64url never contains '\n').
    const signatures = message.inputs
      .split('\n')
      .map((input) => sign('sha256', Buffer.from(input), key).toString('base64url'))
      .join('\n');
    parentPort.postMessage({ id: message.id, signatures });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String((error && error.message) || error) });
  }
});

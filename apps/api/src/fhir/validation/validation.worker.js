'use strict';
// Validates resources for the API's event loop (see validation-pool.ts): a message is an array of
// { type, resource } and the answer { results } holds each one's issues, in order, as validateResource gives them
// on the event loop — the same module runs here. Built, this file sits beside the compiled index.js in dist; in the
// tests it sits beside the TypeScript sources, which are compiled with swc as they are required.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');

if (!existsSync(join(__dirname, 'index.js'))) {
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      swcrc: false,
    });
    module._compile(code, filename);
  };
}
const { validateResource, warmUpValidation } = require('./index');

warmUpValidation();
/** Tests only (NODE_ENV=test): a resource with this id makes the worker exit, as a crash would. */
const crashOn = workerData && workerData.crashOn;

parentPort.on('message', (items) => {
  try {
    const results = items.map(({ type, resource }) => {
      if (crashOn && resource && resource.id === crashOn) process.exit(70);
      return validateResource(resource, type);
    });
    parentPort.postMessage({ results });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});

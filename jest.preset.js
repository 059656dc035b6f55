// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata, which Nest and TypeORM need) and the
// ESM-only packages we use (jose, openid-client), so the test run stays fast on two cores.
const fs = require('node:fs');
const path = require('node:path');

/**
 * Packages published as ES modules only (NestJS 12, jose, ...). Node 20 loads them through require(esm), but Jest's
 * own module system cannot before Node 24.9, so SWC turns them into CommonJS for the tests.
 */
function esmOnlyPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const consider = (name) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
      if (pkg.type === 'module') names.push(name);
    } catch {
      /* not a package */
    }
  };
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const sub of fs.readdirSync(path.join(root, entry))) consider(`${entry}/${sub}`);
    else consider(entry);
  }
  return names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: {
        legacyDecorator: true,
        decoratorMetadata: true,
        useDefineForClassFields: false,
        react: { runtime: 'automatic' },
      },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages().join('|')})/)`],
  moduleNameMapper: {
    '^@ccri/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
    '^@ccri/smart-scopes$': path.join(__dirname, 'libs/smart-scopes/src/index.ts'),
    // fhir-kit-client 2 exports only an `import` condition, which Jest's CommonJS resolver does not match; point the
    // package name at that entry (transformed to CommonJS above, as the package is ESM-only).
    '^fhir-kit-client$': path.join(__dirname, 'node_modules/fhir-kit-client/dist/index.js'),
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
};

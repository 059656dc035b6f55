// ESLint flat config for the whole workspace (`npm run lint`, and each project's Nx `lint` target).
//
// Project boundaries (STYLE.md §1) are enforced with ESLint's own `no-restricted-imports`, per file glob:
// an app may import libs; a lib never imports an app; the dashboard never imports the API, nor the API
// the dashboard.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's globals, for the plain JavaScript files (tools, Jest and ESLint configs). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'globalThis',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
    '__dirname',
    '__filename',
    'exports',
    'module',
    'require',
  ].map((name) => [name, 'readonly']),
);

const noApps = [
  {
    group: ['**/apps/**', '@ccri/api*', '@ccri/admin*'],
    message: 'A library never imports an application (libs are shared by the API and the dashboard).',
  },
];
const noApi = [
  {
    group: ['**/apps/api/**', '@ccri/api*'],
    message: 'The dashboard never imports the API: share types through @ccri/contracts instead.',
  },
  // A relative path that climbs out of apps/admin into apps/api names no `apps/` segment.
  { regex: '^(\\.\\./)+api/src(/|$)', message: 'The dashboard never imports the API.' },
];
const noAdmin = [
  {
    group: ['**/apps/admin/**', '@ccri/admin*'],
    message: 'The API never imports the dashboard: share types through @ccri/contracts instead.',
  },
  { regex: '^(\\.\\./)+admin/src(/|$)', message: 'The API never imports the dashboard.' },
];

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/test-output/**', '**/coverage/**', '.nx/**', 'data/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,cjs,mjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['libs/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: noApps }] },
  },
  {
    files: ['apps/admin/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: noApi }] },
  },
  {
    files: ['apps/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: noAdmin }] },
  },
);

import type { Config } from 'jest';

/** Browser end-to-end suite: the built dashboard in headless Chromium against the real API, started in-process. */
const config: Config = {
  displayName: 'admin-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 60_000,
};

export default config;

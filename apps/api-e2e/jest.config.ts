import type { Config } from 'jest';

/** HTTP end-to-end suite against the built API, started as a child process exactly as `npm start` runs it. */
const config: Config = {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 60_000,
};

export default config;

import type { Config } from 'jest';

/** Every Jest project of the workspace; `npm test` runs them all (the admin's component tests run under Vitest). */
const config: Config = {
  // A global option (Jest ignores it inside projects): the integration and e2e suites start real servers.
  testTimeout: 60_000,
  projects: ['<rootDir>/libs/smart-scopes', '<rootDir>/apps/api', '<rootDir>/apps/api-e2e', '<rootDir>/apps/admin-e2e'],
};

export default config;

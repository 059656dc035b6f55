import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      setupFiles: ['./src/test/setup.ts'],
      include: ['src/**/*.spec.{ts,tsx}'],
      css: false,
      restoreMocks: true,
      unstubGlobals: true,
      // Tests type into forms key by key (user-event), as a person does; on a loaded two-core CI machine a long form
      // takes more than Vitest's default 5 s, so the limit matches the Jest suites' (60 s).
      testTimeout: 60_000,
    },
  }),
);

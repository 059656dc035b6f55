import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const workspaceRoot = fileURLToPath(new URL('../../', import.meta.url));
const api = 'http://localhost:3000';

/** The dashboard is served by the API under /admin/ (DESIGN.md §HTTP surface), so every asset URL carries that base. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  plugins: [react()],
  resolve: {
    alias: {
      '@ccri/contracts': `${workspaceRoot}libs/contracts/src/index.ts`,
      '@ccri/smart-scopes': `${workspaceRoot}libs/smart-scopes/src/index.ts`,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine|@floating-ui|react-remove-scroll|react-number-format)/,
            },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 4200,
    proxy: {
      '/api': api,
      '/auth': api,
      '/fhir': api,
      '/.well-known': api,
    },
  },
  preview: { port: 4300 },
});

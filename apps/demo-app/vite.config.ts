import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The demo SMART app: two pages (standalone launch and EHR launch) built into static files. Asset URLs are relative,
 * so the API can serve the folder under /demo-app/ without the app knowing its prefix.
 */
export default defineConfig({
  root: here('.'),
  base: './',
  // fhirclient's "pure" browser build: no fetch or AbortController polyfills (every supported browser has both).
  define: { FHIRCLIENT_PURE: 'true' },
  resolve: { alias: { 'isomorphic-webcrypto': here('src/web-crypto.ts') } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { index: here('index.html'), launch: here('launch.html') },
      output: {
        // The library changes less often than the app: its own chunk stays cached across releases.
        codeSplitting: { groups: [{ name: 'fhirclient', test: /node_modules[\\/]/ }] },
      },
    },
  },
  server: {
    port: 4210,
    proxy: { '/auth': 'http://localhost:3000', '/fhir': 'http://localhost:3000' },
  },
});

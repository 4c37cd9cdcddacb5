/**
 * Builds the benchmark's pages into dist-bench/, served at /__bench/ on the app's origin so that
 * they share IndexedDB with the app:
 *
 * - seed/ (/__bench/seed/): writes the demo generator's rows into the app's main database
 *   (served by tests/support/staticServer.ts next to dist/);
 * - sync/ (/__bench/sync/): a first sync from the real app server with the app's SyncEngine
 *   (served by the app server itself, see syncServer.ts), local writes, raw bulkPut comparison.
 *
 * No PWA plugin: the pages must never register a service worker of their own.
 */
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  root: here,
  base: '/__bench/',
  publicDir: false,
  logLevel: 'warn',
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
  },
  build: {
    outDir: `${repo}dist-bench`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        seed: `${here}seed/index.html`,
        sync: `${here}sync/index.html`,
      },
    },
  },
});

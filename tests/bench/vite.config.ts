/**
 * Builds the benchmark's seeding page (tests/bench/seed) into dist-bench/. The bench serves it
 * at /__bench/ next to the app's production build, on the same origin, so that the rows it
 * writes land in the very IndexedDB database the app opens. No PWA plugin: the page must never
 * register a service worker of its own.
 */
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  root: fileURLToPath(new URL('./seed', import.meta.url)),
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
  },
});

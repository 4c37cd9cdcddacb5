import { defineConfig } from 'vitest/config';

// Browser tests: real Debian Chromium against the production build (see tests/e2e/run.mjs).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});

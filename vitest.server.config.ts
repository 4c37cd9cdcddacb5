import { defineConfig } from 'vitest/config';

// `npm run test:server`: the server's suites (Fastify app injected, PGlite in memory, or the
// PostgreSQL at TEST_DATABASE_URL with `npm run test:server:pg`). Kept out of `npm test`, which stays fast.
export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify('test') },
  test: {
    environment: 'node',
    include: ['server/**/*.test.ts'],
    globalSetup: ['tests/support/pgliteTemplate.ts'],
    restoreMocks: true,
    // Every file starts PGlite (or a PostgreSQL schema) in a hook: seconds when the machine is
    // idle, many more on a shared 2-core machine.
    hookTimeout: 120_000,
    testTimeout: 60_000,
  },
});

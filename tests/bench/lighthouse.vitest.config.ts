/** Runs only the Lighthouse audits (tests/bench/lighthouse.run.ts); as vitest.config.ts otherwise. */
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['tests/bench/lighthouse.run.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    // On a busy machine (benchmark index below 500) an audit takes about a minute, and the sixteen
    // of a run went past 15 minutes: `--lighthouse-busy` must not be stopped halfway.
    testTimeout: 60 * 60_000,
    hookTimeout: 60_000,
    // Progress lines go straight to the terminal while the audits run.
    disableConsoleIntercept: true,
    watch: false,
  },
});

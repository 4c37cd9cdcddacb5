/** Runs only the benchmark (tests/bench/bench.run.ts), in Node, one file, no time limit to speak of. */
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['tests/bench/bench.run.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    // Progress lines go straight to the terminal while the benchmark runs.
    disableConsoleIntercept: true,
    watch: false,
  },
});

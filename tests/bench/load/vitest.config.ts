/** The load benchmark's own unit test (its checker): `npx vitest run --config tests/bench/load/vitest.config.ts`. */
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  test: { include: ['tests/bench/load/*.test.ts'], environment: 'node', watch: false },
});

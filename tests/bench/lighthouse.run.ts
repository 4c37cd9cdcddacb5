/**
 * Vitest entry of the Lighthouse audits (tests/bench/lighthouse.ts): run.mjs runs this file with
 * tests/bench/lighthouse.vitest.config.ts at the end of a full benchmark. Not a `*.test.ts` file,
 * so `npm test` never picks it up. LIGHTHOUSE_OPTIONS (JSON, see DEFAULT_LIGHTHOUSE_OPTIONS),
 * LIGHTHOUSE_OUT and BENCH_DIST come from run.mjs. The goals are judged by run.mjs from the
 * written results: this test fails only when the harness itself fails.
 */
import { test } from 'vitest';
import type { LighthouseOptions } from './lighthouse';

test('lighthouse', async () => {
  // Lighthouse believes it runs its own test suite when NODE_ENV is "test" (Vitest sets it) or CI
  // is set, and then makes some audits throw where a normal run only logs. Audit like a normal
  // run; it reads both once, when imported, hence the dynamic import.
  process.env.NODE_ENV = 'production';
  delete process.env.CI;
  const { DEFAULT_LIGHTHOUSE_OPTIONS, runLighthouse } = await import('./lighthouse');
  const options: LighthouseOptions = { ...DEFAULT_LIGHTHOUSE_OPTIONS, ...(JSON.parse(process.env.LIGHTHOUSE_OPTIONS || '{}') as Partial<LighthouseOptions>) };
  const out = process.env.LIGHTHOUSE_OUT || new URL('./results/latest-lighthouse.json', import.meta.url).pathname;
  await runLighthouse(options, out);
});

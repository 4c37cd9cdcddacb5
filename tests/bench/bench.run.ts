/**
 * Vitest entry of the benchmark: `npm run bench` (tests/bench/run.mjs) runs this file with
 * tests/bench/vitest.config.ts. It is not a `*.test.ts` file, so `npm test` never picks it up.
 * BENCH_MODE=quick|full, BENCH_OPTIONS (JSON, see DEFAULT_OPTIONS) and BENCH_OUT come from run.mjs.
 * Budgets and goals are judged by run.mjs from the written results: this test fails only when
 * the harness itself fails.
 */
import { test } from 'vitest';
import { DEFAULT_OPTIONS, runBench, type BenchMode, type BenchOptions } from './bench';

test('benchmark', async () => {
  const mode: BenchMode = process.env.BENCH_MODE === 'quick' ? 'quick' : 'full';
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...(JSON.parse(process.env.BENCH_OPTIONS || '{}') as Partial<BenchOptions>) };
  const out = process.env.BENCH_OUT || new URL(`./results/${mode === 'quick' ? 'latest-quick' : 'latest'}.json`, import.meta.url).pathname;
  await runBench(mode, options, out);
});

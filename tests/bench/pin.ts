/** The PIN the benchmark's pages set before writing, so every measure runs with the rows sealed. */
export const BENCH_PIN = '482916';

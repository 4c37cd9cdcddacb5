/**
 * The Lighthouse step of `npm run bench` (full mode), for run.mjs: runs tests/bench/lighthouse.run.ts
 * through Vitest (lighthouse.vitest.config.ts) after the rest of the benchmark, merges its results
 * (results/latest-lighthouse.json) into results/latest.json under `lighthouse` (and its goals into
 * `goals`, never enforced), and formats them for the table.
 *
 * Options: --lighthouse-runs=N (counted runs per route, default 5; the median run is reported);
 * --lighthouse-busy (no wait for a quiet CPU first).
 * `--phases=…` without `lighthouse` skips it; `--phases=lighthouse` runs only the JS budget and it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Whether the step runs: full mode, and `lighthouse` among --phases when they are given. */
export function lighthouseWanted(mode, phases) {
  return mode === 'full' && (phases === undefined || phases.includes('lighthouse'));
}

/**
 * Runs the audits and merges them into `out` (latest.json, already written by the benchmark).
 * Returns false when the harness failed (the error is kept in `lighthouse.error`).
 */
export function runLighthouseStep({ repo, out, args = [], distDir }) {
  const started = Date.now();
  const lhOut = join(repo, 'tests/bench/results/latest-lighthouse.json');
  rmSync(lhOut, { force: true });
  const options = {};
  const runs = args.find((a) => a.startsWith('--lighthouse-runs='));
  if (runs !== undefined) {
    const n = Number(runs.slice('--lighthouse-runs='.length));
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--lighthouse-runs needs a positive integer, got ${runs}`);
      process.exit(2);
    }
    options.runs = n;
  }
  // The machine as it is, busy or not (a cheap phone is busy too): no wait for a quiet CPU.
  if (args.includes('--lighthouse-busy')) options.quietWait = false;
  console.log('\n> lighthouse (mobile, simulated slow 4G): /, /guides/vneid-level-1, /join');
  const r = spawnSync(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '-c', 'tests/bench/lighthouse.vitest.config.ts'], {
    cwd: repo,
    stdio: 'inherit',
    env: {
      ...process.env,
      LIGHTHOUSE_OPTIONS: JSON.stringify(options),
      LIGHTHOUSE_OUT: lhOut,
      ...(distDir === undefined ? {} : { BENCH_DIST: resolve(distDir) }),
    },
  });
  const results = JSON.parse(readFileSync(out, 'utf8'));
  results.phaseMs ??= {};
  results.phaseMs.lighthouse = Date.now() - started;
  let ok = true;
  if (r.error || r.status !== 0 || !existsSync(lhOut)) {
    ok = false;
    results.lighthouse = { error: `lighthouse harness failed (vitest exit ${r.error ? r.error.message : r.status})` };
  } else {
    const lh = JSON.parse(readFileSync(lhOut, 'utf8'));
    results.lighthouse = lh;
    results.goals ??= [];
    for (const route of lh.routes) {
      const goal = (name, value, limit, unit, pass) => results.goals.push({ name: `Lighthouse ${route.route} ${name}`, value, limit, unit, pass, enforced: false });
      goal('performance', route.scores.performance, lh.goals.performance, 'score', route.pass.performance);
      goal('accessibility', route.scores.accessibility, lh.goals.accessibility, 'score', route.pass.accessibility);
      goal('best practices', route.scores.bestPractices, lh.goals.bestPractices, 'score', route.pass.bestPractices);
      goal('LCP (simulated)', route.metrics.lcpMs, lh.goals.lcpMs, 'ms', route.pass.lcp);
    }
  }
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  return ok;
}

const ms = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${Math.round(n).toLocaleString('en-US')} ms`);
const verdict = (pass) => (pass ? 'PASS' : 'MISS');
const num = (n) => (n === null || n === undefined ? '—' : String(n));

/** Rows for run.mjs's table: [metric, value, goal, result]. */
export function lighthouseRows(r) {
  const lh = r.lighthouse;
  if (!lh) return [];
  if (lh.error) return [['Lighthouse', lh.error, '', 'FAIL']];
  const g = lh.goals;
  const rows = [];
  for (const x of lh.routes) {
    const spread = x.runs.length > 1 ? ` (runs: ${x.runs.map((run) => num(run.performance)).join(', ')})` : '';
    rows.push([`Lighthouse ${x.route}: performance${spread}`, num(x.scores.performance), `≥ ${g.performance}`, verdict(x.pass.performance)]);
    if (x.medianOfRuns) {
      const m = x.medianOfRuns;
      rows.push([`  median of the ${x.runs.length} runs (benchmark index ${num(m.benchmarkIndex)})`, num(m.performance), `≥ ${g.performance}`, verdict((m.performance ?? 0) >= g.performance)]);
    }
    rows.push(['  accessibility / best practices', `${num(x.scores.accessibility)} / ${num(x.scores.bestPractices)}`, `${g.accessibility} / ${g.bestPractices}`, verdict(x.pass.accessibility && x.pass.bestPractices)]);
    rows.push(['  LCP (simulated)', ms(x.metrics.lcpMs), `≤ ${ms(g.lcpMs)}`, verdict(x.pass.lcp)]);
    rows.push([
      '  FCP / TBT / CLS / total transfer',
      `${ms(x.metrics.fcpMs)} / ${ms(x.metrics.tbtMs)} / ${x.metrics.cls} / ${(x.metrics.totalBytes / 1024).toFixed(1)} KB (${x.metrics.requests} requests)`,
    ]);
  }
  return rows;
}

/** After the table: the settings, and every audit below 100 with what it points at. */
export function printLighthouseDetails(r) {
  const lh = r.lighthouse;
  if (!lh) return;
  if (lh.error) {
    console.error(`\n${lh.error}: see its output above.`);
    return;
  }
  const t = lh.settings.throttling ?? {};
  console.log(
    `\nLighthouse ${lh.lighthouseVersion} (${lh.chromium.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}), ${lh.settings.formFactor}, ${lh.settings.throttlingMethod} throttling` +
      ` (${t.rttMs} ms RTT, ${((t.throughputKbps ?? 0) / 1024).toFixed(1)} Mbit/s, ${t.cpuSlowdownMultiplier}× CPU), median of ${lh.options.runs} run${lh.options.runs === 1 ? '' : 's'} per route` +
      `; load average ${lh.loadavg.before} → ${lh.loadavg.after}; reports: ${[...new Set(lh.routes.map((x) => x.report.replace(/[^/]*$/, '')))].join(', ')}lighthouse-*.html`,
  );
  if (lh.retried?.length) console.log(`  repeated after a failed run: ${lh.retried.map((x) => `${x.route} (${x.code})`).join(', ')}`);
  const short = (s, n = 150) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  for (const x of lh.routes) {
    if (x.lcpElement) console.log(`  ${x.route}: LCP element ${short(x.lcpElement)}`);
  }
  console.log('Lighthouse audits below 100 (median run):');
  for (const x of lh.routes) {
    if (!x.failingAudits.length) {
      console.log(`  ${x.route}: none`);
      continue;
    }
    console.log(`  ${x.route}:`);
    for (const a of x.failingAudits) {
      const score = a.score === null ? `error: ${a.errorMessage ?? '?'}` : a.score;
      console.log(`    ${a.category}: ${a.id} (${score}${a.weight ? `, weight ${a.weight}` : ''}) ${a.title}${a.displayValue ? ` — ${a.displayValue}` : ''}`);
      for (const item of a.items.slice(0, 8)) console.log(`        ${short(item)}`);
      if (a.items.length > 8) console.log(`        … ${a.items.length - 8} more`);
    }
  }
}

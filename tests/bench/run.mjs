#!/usr/bin/env node
/**
 * `npm run bench` / `npm run bench:quick`.
 *
 *   node tests/bench/run.mjs [--quick] [--rebuild] [--households=N] [--members=N] [--visits=N]
 *                            [--sessions=N] [--seed=N] [--runs=N] [--opens=N] [--cpu-throttle=N]
 *                            [--key-gap=MS] [--profile]
 *
 * Builds the app (dist/) when it is missing or with --rebuild, builds the seeding page
 * (dist-bench/) in full mode, then runs tests/bench/bench.run.ts through Vitest (the harness is
 * TypeScript and shares tests/support/*.ts with the browser tests), reads the results it wrote and
 * prints them.
 *
 * --dist=DIR: serve another build of the app instead of dist/ (e.g. an unminified one for
 * profiling: `npx vite build --minify false --outDir /tmp/dist-plain`); never rebuilt.
 *
 * --profile: after the measured search, types the queries again under the CPU profiler and
 * writes tests/bench/results/search.cpuprofile (open it in DevTools), with a summary.
 *
 * --quick (CI): only the JS-bytes budget. Exit codes: 0 ok, 1 a budget exceeded (both modes;
 * the search/open goals are only reported), 2 the harness failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 3);
};

if (flag('help') || flag('h')) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
  process.exit(0);
}

const mode = flag('quick') ? 'quick' : 'full';
const options = {};
if (flag('profile')) options.profile = true;
for (const [arg, key] of [
  ['households', 'households'],
  ['members', 'membersPerHousehold'],
  ['visits', 'visits'],
  ['sessions', 'sessions'],
  ['seed', 'seed'],
  ['runs', 'loadRuns'],
  ['opens', 'opens'],
  ['cpu-throttle', 'cpuThrottle'],
  ['key-gap', 'keyGapMs'],
]) {
  const v = value(arg);
  if (v === undefined) continue;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${arg} needs a non-negative number, got ${v}`);
    process.exit(2);
  }
  options[key] = n;
}

function run(cmd, cmdArgs, env = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: repo, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function step(title, cmd, cmdArgs) {
  console.log(`\n> ${title}`);
  const status = run(cmd, cmdArgs);
  if (status !== 0) {
    console.error(`\n${title} failed (exit ${status})`);
    process.exit(2);
  }
}

const started = Date.now();
const distDir = value('dist');
if (distDir !== undefined && !existsSync(join(distDir, 'index.html'))) {
  console.error(`--dist=${distDir}: no index.html there`);
  process.exit(2);
}
if (distDir === undefined && (flag('rebuild') || !existsSync(join(repo, 'dist/index.html')))) {
  step('npm run build', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']);
}
if (mode === 'full') {
  step('build the seeding page (dist-bench/)', process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'tests/bench/vite.config.ts']);
}

/** Newest modification time under `dir` (ms), to warn when dist/ is older than the sources. */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
if (distDir === undefined) {
  const built = statSync(join(repo, 'dist/index.html')).mtimeMs;
  if (newestMtime(join(repo, 'src')) > built) {
    console.log('\nnote: src/ has changed since dist/ was built; run with --rebuild to measure the current sources.');
  }
}

const out = join(repo, 'tests/bench/results', mode === 'quick' ? 'latest-quick.json' : 'latest.json');
rmSync(out, { force: true });
console.log(`\n> benchmark (${mode})`);
const status = run(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '-c', 'tests/bench/vitest.config.ts'], {
  BENCH_MODE: mode,
  BENCH_OPTIONS: JSON.stringify(options),
  BENCH_OUT: out,
  ...(distDir === undefined ? {} : { BENCH_DIST: resolve(distDir) }),
});
if (status !== 0 || !existsSync(out)) {
  console.error(`\nbenchmark harness failed (vitest exit ${status})`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------------
// Report

const r = JSON.parse(readFileSync(out, 'utf8'));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${Math.round(n)} ms`);
const rows = [];
const row = (metric, val, goal = '', result = '') => rows.push([metric, val, goal, result]);
const verdict = (pass, enforced) => (pass ? 'PASS' : enforced ? 'FAIL' : 'MISS');

const m = r.machine;
console.log(`\nCộng Đồng Số benchmark — ${r.mode} mode`);
console.log(`${m.os}, ${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, Chromium ${m.chromium}, viewport 360×800 @2x`);
if (r.seed) {
  const c = r.seed.counts;
  console.log(
    `Data: ${c.households} households / ${c.members} members / ${c.visits} visits / ${c.sessions} sessions` +
      ` (seeded in ${(r.seed.wallMs / 1000).toFixed(1)} s; ${r.seed.toppedUp} of ${r.seed.twentyVisitHouseholds.length} twenty-visit households topped up with ${r.seed.extraVisits} visits)`,
  );
  if (r.config?.cpuThrottle > 1) console.log(`CPU throttled ${r.config.cpuThrottle}×`);
}
console.log('');

for (const route of r.jsBytes.routes) {
  row(
    `JS gzip before route paint, ${route.route}`,
    `${kb(route.gzipBytes)} (${route.gzipBytes} B; ${route.routePaintMs} ms; until idle ${kb(route.gzipBytesUntilIdle)})`,
    `≤ ${kb(route.budget)}`,
    verdict(route.pass, true),
  );
}
if (r.listLoad) {
  const l = r.listLoad;
  row(`List first row, cold load (n=${l.runs.length})  median / max`, `${ms(l.firstRow.median)} / ${ms(l.firstRow.max)}`);
  row(`List complete (${l.runs[0]?.count} rows)  median / max`, `${ms(l.complete.median)} / ${ms(l.complete.max)}`);
  row('  first-ever load (no SW): first row / complete', `${ms(l.firstEver.firstRowMs)} / ${ms(l.firstEver.completeMs)}`);
}
if (r.search) {
  const s = r.search;
  row(`Search keystroke (n=${s.n})  p50 / p95 / max`, `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}`, `p95 ≤ ${s.goalP95Ms} ms`, verdict(s.pass, false));
  row('  until DOM patched  p50 / p95 / max', `${ms(s.flush.p50)} / ${ms(s.flush.p95)} / ${ms(s.flush.max)}`);
  row(`  clearing the box (n=${s.clear.n})  p50 / max`, `${ms(s.clear.p50)} / ${ms(s.clear.max)}`);
}
if (r.openHousehold) {
  const o = r.openHousehold;
  row(`Open household, 20 visits (n=${o.n})  p50 / p95 / max`, `${ms(o.p50)} / ${ms(o.p95)} / ${ms(o.max)}`, `≤ ${o.goalMs} ms`, verdict(o.pass, false));
}

const header = ['Metric', 'Value', 'Goal', 'Result'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log(line(header));
console.log(widths.map((w) => '─'.repeat(w)).join('  '));
for (const x of rows) console.log(line(x));

if (r.search) {
  console.log('\nSearch per query (p50 / p95 / max, final result count):');
  for (const q of r.search.perQuery) {
    console.log(`  ${JSON.stringify(q.query).padEnd(16)} ${String(q.keystrokes).padStart(2)} keys  ${ms(q.p50)} / ${ms(q.p95)} / ${ms(q.max)}  → ${q.finalResults}`);
  }
}

if (r.search?.profile) {
  const p = r.search.profile;
  console.log(`\nCPU profile of the search (${Math.round(p.busyMs)} ms busy; ${p.file}), self time by script:`);
  for (const x of p.byScript) console.log(`  ${String(x.share).padStart(5)}%  ${String(Math.round(x.ms)).padStart(5)} ms  ${x.name}`);
  console.log('top functions:');
  for (const x of p.byFunction.slice(0, 15)) console.log(`  ${String(x.share).padStart(5)}%  ${String(Math.round(x.ms)).padStart(5)} ms  ${x.name}`);
}

console.log(`\nResults: ${out.slice(repo.length)}  (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
if (!r.budgetsPass) {
  console.error('\nJS budget exceeded: see the rows marked FAIL above.');
  process.exit(1);
}
process.exit(0);

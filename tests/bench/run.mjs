#!/usr/bin/env node
/**
 * `npm run bench` / `npm run bench:quick`.
 *
 *   node tests/bench/run.mjs [--quick] [--rebuild] [--households=N] [--members=N] [--visits=N]
 *                            [--sessions=N] [--seed=N] [--runs=N] [--opens=N] [--cpu-throttle=N]
 *                            [--key-gap=MS] [--profile] [--phases=ui,dashboard,sync,push] [--writes=N]
 *                            [--small-households=N] [--small-members=N] [--small-visits=N]
 *                            [--push-mutations=N] [--push-batch=N]
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
 * Full mode, after the UI phases and the head's dashboard and .xlsx on the same data (dashboard,
 * tests/bench/dashboard.ts, in a profile of its own): first syncs from the real app server (in-memory PGlite) into
 * Chromium IndexedDB with the raw bulkPut comparison and local writes (sync), and the server's push
 * throughput on PGlite and PostgreSQL (push). --phases picks which of ui, dashboard, sync, push run.
 * Then Lighthouse (lighthouse; tests/bench/lighthouse-report.mjs, --lighthouse-runs=N).
 *
 * --quick (CI): only the JS-bytes budget. Exit codes: 0 ok, 1 a budget exceeded (both modes;
 * the search/open goals are only reported), 2 the harness failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { lighthouseRows, lighthouseWanted, printLighthouseDetails, runLighthouseStep } from './lighthouse-report.mjs';

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
  ['small-households', 'smallSyncHouseholds'],
  ['small-members', 'smallSyncMembers'],
  ['small-visits', 'smallSyncVisits'],
  ['writes', 'writes'],
  ['push-mutations', 'pushMutations'],
  ['push-batch', 'pushBatch'],
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

const PHASES = ['ui', 'dashboard', 'sync', 'push', 'lighthouse'];
if (value('phases') !== undefined) {
  const phases = value('phases').split(',').filter(Boolean);
  const unknown = phases.filter((p) => !PHASES.includes(p));
  if (unknown.length) {
    console.error(`--phases: unknown ${unknown.join(', ')} (known: ${PHASES.join(', ')})`);
    process.exit(2);
  }
  options.phases = phases;
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
  step('build the bench pages (dist-bench/: seed/, sync/)', process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'tests/bench/vite.config.ts']);
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
const lighthouseOk = !lighthouseWanted(mode, options.phases) || runLighthouseStep({ repo, out, args, distDir });

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
      ` (seeded in ${(r.seed.wallMs / 1000).toFixed(1)} s${r.seedAlongsideSyncServer ? ' while the sync server was seeded too' : ''}; ${r.seed.toppedUp} of ${r.seed.twentyVisitHouseholds.length} twenty-visit households topped up with ${r.seed.extraVisits} visits)`,
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

if (r.dashboard) {
  const d = r.dashboard;
  row(`Dashboard, figures for a month, cold load, from the unlock (n=${d.runs.length})  median / max`, `${ms(d.figuresMs.median)} / ${ms(d.figuresMs.max)}`, `≤ ${d.figuresMs.goal} ms`, verdict(d.figuresMs.pass, false));
  if (d.fromNavigationMs) row('  … from navigation start, the lock screen included  median / max', `${ms(d.fromNavigationMs.median)} / ${ms(d.fromNavigationMs.max)}`, '', '');
  row('  switching to the previous period  median / max', `${ms(d.switchMs.median)} / ${ms(d.switchMs.max)}`);
  row('Dashboard .xlsx ready (exceljs loaded)  median / max  |  again', `${ms(d.xlsxMs.median)} / ${ms(d.xlsxMs.max)}  |  ${ms(d.xlsxMs.again)}`, `≤ ${d.xlsxMs.goal} ms`, verdict(d.xlsxMs.pass, false));
}

const int = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : Math.round(n).toLocaleString('en-US'));
const sec = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${(n / 1000).toFixed(1)} s`);
const split = (b) =>
  [b.networkMs, b.jsonParseMs, b.applyPullPageMs, b.refreshDirtyHouseholdsMs, b.beforeFirstPullMs + b.otherMs].map(sec).join(' / ');
if (r.sync) {
  const { big, small, writes } = r.sync;
  row(`First sync, ${int(big.records)} records (${big.requests.pulls} pulls)`, `${sec(big.totalMs)}  ${int(big.rowsPerSecond)} rows/s`);
  row(`  raw bulkPut, ${big.raw.chunk} rows/tx  |  one-shot per table`, `${sec(big.raw.chunked.ms)}  ${int(big.raw.chunked.rowsPerSecond)} rows/s  |  ${sec(big.raw.oneShot.ms)}  ${int(big.raw.oneShot.rowsPerSecond)} rows/s`);
  if (big.raw.pkOnly) {
    row(`  primary keys only, ${big.raw.pkOnly.chunk} rows/tx`, `${sec(big.raw.pkOnly.ms)}  ${int(big.raw.pkOnly.rowsPerSecond)} rows/s`);
    row('  first sync time ÷ primary-key-only bulkPut', `${big.pkFactor.toFixed(2)}×`, `≤ ${big.goalPkFactor}×`, verdict(big.pass, false));
  }
  row('  first sync ÷ raw (500 rows/tx) throughput', big.ratio.toFixed(3), `≥ ${big.goalRatio}`, big.pkFactor === undefined ? verdict(big.pass, false) : '');
  row('  split: network / JSON.parse / applyPullPage / refreshDirtyHouseholds / other', split(big.breakdown));
  row('  server, pulls: handler (of it DB) / with compression+send', `${sec(big.server.handlerMs)} (${sec(big.server.dbMs)}) / ${sec(big.server.totalMs)}`);
  row(`First sync, ${int(small.records)} records (${small.requests.pulls} pulls)`, `${int(small.totalMs)} ms  ${int(small.rowsPerSecond)} rows/s; raw ${int(small.raw?.chunked.ms)} ms`, `≤ ${small.goalMs} ms`, verdict(small.pass, false));
  row('  split: network / JSON.parse / applyPullPage / refreshDirtyHouseholds / other', split(small.breakdown));
  if (writes) row(`Local write, createVisit after the sync (n=${writes.n})  p50 / p95 / max`, `${ms(writes.p50)} / ${ms(writes.p95)} / ${ms(writes.max)}`, `p95 ≤ ${writes.goalP95Ms} ms`, verdict(writes.pass, false));
}
if (r.push) {
  for (const key of ['pglite', 'postgres']) {
    const p = r.push[key];
    if (!p) continue;
    if (p.skipped) {
      row(`Push, ${key === 'pglite' ? 'PGlite' : 'PostgreSQL'}`, `skipped: ${p.skipped}`);
      continue;
    }
    row(`Push, ${p.database}: ${int(p.mutations)} creates, batches of ${p.batchSize}`, `${int(p.push.perSecond)} mutations/s (${sec(p.push.ms)}, ${p.push.queriesPerMutation} queries each)`);
    row(`  raw multi-row INSERT (${p.batchSize} rows each)  |  push ÷ raw`, `${int(p.raw.perSecond)} rows/s (${sec(p.raw.ms)})  |  ${p.ratio.toFixed(3)}`);
  }
}

for (const x of lighthouseRows(r)) row(...x);
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

if (r.sync) {
  const byEntity = (b) =>
    Object.entries(b.applyByEntity ?? {})
      .map(([e, x]) => `${e} ${x.pages} pages ${sec(x.ms)} (${int(x.msPer500Rows)} ms/500 rows, ${int(x.dirtyRowsWritten)} dirtyHouseholds puts)`)
      .join('; ');
  const perTable = (t) => Object.entries(t).map(([k, v]) => `${k} ${sec(v)}`).join(', ');
  const { big, small } = r.sync;
  console.log('\nFirst sync details:');
  console.log(`  applyPullPage by entity (${int(big.records)}): ${byEntity(big.breakdown)}`);
  console.log(`  raw bulkPut by table, 500 rows/tx: ${perTable(big.raw.chunked.perTable)}; one-shot: ${perTable(big.raw.oneShot.perTable)}; reading them back ${sec(big.raw.readMs)}`);
  const pct = (t) => Object.entries(t).map(([k, v]) => `${k} ${v.toFixed(0)} %`).join(', ');
  if (big.byTable) console.log(`  share of the first sync by table (${int(big.records)}): ${pct(big.byTable.sharePercent)}; of the primary-key-only bulkPut: ${pct(big.raw.pkOnly.sharePercent)}`);
  if (small.byTable) console.log(`  share of the first sync by table (${int(small.records)}): ${pct(small.byTable.sharePercent)}; sync ÷ primary-key-only bulkPut ${small.pkFactor.toFixed(2)}×`);
  const top = (reqs) =>
    Object.entries(reqs ?? {})
      .slice(0, 6)
      .map(([k, x]) => `${k} ${sec(x.ms)} (${int(x.n)}×, ${int(x.rows)} rows)`)
      .join('; ');
  console.log(`  IndexedDB requests (time until each resolved): ${top(big.idbRequests)}; commits of applyPullPage ${sec(big.breakdown.applyCommitMs)}`);
  console.log(`  network: ${sec(big.breakdown.untilHeadersMs)} until headers, ${(big.requests.responseChars / 2 ** 20).toFixed(0)} MiB of JSON; server per pull p50 ${ms(big.server.perPull.p50)}, max ${ms(big.server.perPull.max)}`);
  console.log(`  applyPullPage by entity (${int(small.records)}): ${byEntity(small.breakdown)}`);
  const p = small.refreshProbe;
  if (p) {
    console.log(
      `  refreshDirtyHouseholds step by step (${int(p.households)} households): ${Object.entries(p.steps).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}` +
        `; plain scans instead: members ${ms(p.tableScan.membersMs)}, visits ${ms(p.tableScan.visitsMs)}`,
    );
  }
}

printLighthouseDetails(r);
if (r.phaseMs && r.mode === 'full') console.log(`\nPhases: ${Object.entries(r.phaseMs).map(([k, v]) => `${k} ${sec(v)}`).join(', ')}`);
console.log(`\nResults: ${out.slice(repo.length)}  (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
if (!r.budgetsPass) {
  console.error('\nJS budget exceeded: see the rows marked FAIL above.');
  process.exit(1);
}
process.exit(lighthouseOk ? 0 : 2);
